package dev.jslirp.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jslirp.config.Config;
import dev.jslirp.config.EgressRule;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.service.dns.DnsSnooper;
import dev.jslirp.wire.Ipv4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Forwarding with an egress policy: allowed and denied flows of each kind, as tables. */
class EgressPolicyTest {
    private static final int TCP = 6, UDP = 17, ICMP = 1;
    private static final long SECOND = 1_000_000_000L;

    private static Config openConfig() {
        Config.Builder b = Config.builder();
        b.open = true;
        b.dnsUpstream = new SocketAddressV4(Ipv4Address.parse("127.0.0.1"), 5353);
        return b.build();
    }

    private static Forwarding forwarding(EgressPolicy policy) { return new Forwarding(openConfig(), policy, true); }

    private static final List<EgressRule> RULES = EgressRule.parseList(
            "tcp:198.51.100.0/24:80-443;udp:198.51.100.2:53;icmp:198.51.100.0/24;tcp:name=www.example.test:443;tcp:10.0.2.2:8080");

    @ParameterizedTest(name = "{0} {1}:{2} -> {3}")
    @CsvSource({
            "6, 198.51.100.7, 80, allow",
            "6, 198.51.100.7, 443, allow",
            "6, 198.51.100.7, 444, policy",
            "6, 198.51.101.7, 80, policy",
            "17, 198.51.100.2, 53, allow",
            "17, 198.51.100.3, 53, policy",
            "17, 198.51.100.2, 54, policy",
            "1, 198.51.100.99, 0, allow",
            "1, 203.0.113.1, 0, policy",
            "6, 10.0.2.2, 8080, allow",     // host loopback through the gateway, by rule
            "6, 10.0.2.2, 22, policy",
            "17, 10.0.2.3, 53, allow",      // DNS to the upstream always passes
            "6, 10.0.2.3, 53, allow",
            "6, 127.0.0.1, 80, mode",       // never relayed, whatever the rules
            "6, 10.0.2.77, 80, mode",
    })
    void rulesDecide(int protocol, String addr, int port, String verdict) {
        long t = forwarding(new EgressPolicy(RULES)).target(protocol, Ipv4Address.parse(addr), port, 0);
        String actual = t == Forwarding.DENIED ? "mode" : t == Forwarding.DENIED_BY_POLICY ? "policy" : "allow";
        assertEquals(verdict, actual);
    }

    @Test
    void disabledPolicyIsOpenMode() {
        Forwarding f = forwarding(new EgressPolicy());
        assertEquals(Ipv4Address.parse("203.0.113.1"), Forwarding.addrOf(f.target(TCP, Ipv4Address.parse("203.0.113.1"), 80, 0)));
    }

    @Test
    void nameRuleMatchesOnlyAddressesItsAnswerGaveWhileTtlLasts() throws Exception {
        EgressPolicy policy = new EgressPolicy(RULES);
        Forwarding f = forwarding(policy);
        int www = Ipv4Address.parse("192.0.2.80");
        int other = Ipv4Address.parse("192.0.2.81");
        assertEquals(Forwarding.DENIED_BY_POLICY, f.target(TCP, www, 443, 0), "before any answer");

        DnsSnooper snooper = new DnsSnooper(policy);
        feed(snooper, answer("www.example.test.", "cdn.example.test.", "192.0.2.80", 30), 0);
        assertEquals(www, Forwarding.addrOf(f.target(TCP, www, 443, SECOND)));
        assertEquals(Forwarding.DENIED_BY_POLICY, f.target(TCP, www, 80, SECOND), "port outside the rule");
        assertEquals(Forwarding.DENIED_BY_POLICY, f.target(UDP, www, 443, SECOND), "protocol outside the rule");
        assertEquals(Forwarding.DENIED_BY_POLICY, f.target(TCP, www, 443, 31 * SECOND), "TTL over");

        // A denied name's address stays denied, whether or not its name was looked up.
        feed(snooper, answer("denied.example.test.", null, "192.0.2.81", 300), 0);
        assertEquals(Forwarding.DENIED_BY_POLICY, f.target(TCP, other, 443, SECOND));
        assertEquals(2, snooper.addressesLearned);
    }

    @Test
    void garbageFromUpstreamIsIgnored() {
        EgressPolicy policy = new EgressPolicy(RULES);
        DnsSnooper snooper = new DnsSnooper(policy);
        ByteBuffer junk = ByteBuffer.allocateDirect(40);
        snooper.onAnswer(junk, 0, 40, 0);
        snooper.onAnswer(junk, 0, 3, 0);
        assertEquals(0, snooper.addressesLearned);
    }

    @Test
    void ruleSyntax() {
        assertEquals("tcp:198.51.100.0/24:80-443", EgressRule.parse("tcp:198.51.100.0/24:80-443").toString());
        assertEquals("udp:198.51.100.2/32:53", EgressRule.parse("udp:198.51.100.2:53").toString());
        assertEquals("icmp:0.0.0.0/0", EgressRule.parse("icmp:0.0.0.0/0").toString());
        assertEquals("tcp:name=www.example.test:443", EgressRule.parse("TCP:name=WWW.Example.Test.:443").toString());
        assertEquals("any:198.51.100.2/32", EgressRule.parse("any:198.51.100.2").toString());
        for (String bad : List.of("tcp", "sctp:1.2.3.4", "tcp:1.2.3.4:99999", "tcp:1.2.3.4:9-8", "icmp:1.2.3.4:7",
                "tcp:1.2.3.4/33", "tcp:1.2.3.5/24", "tcp:name=:80", "tcp:nonsense:80", "tcp:1.2.3.4:80:1")) {
            assertThrows(IllegalArgumentException.class, () -> EgressRule.parse(bad), bad);
        }
    }

    private static byte[] answer(String name, String cname, String addr, long ttl) throws Exception {
        Name q = Name.fromString(name);
        Message m = new Message(7);
        m.getHeader().setFlag(Flags.QR);
        m.addRecord(Record.newRecord(q, Type.A, DClass.IN), Section.QUESTION);
        Name owner = q;
        if (cname != null) {
            owner = Name.fromString(cname);
            m.addRecord(new CNAMERecord(q, DClass.IN, ttl, owner), Section.ANSWER);
        }
        m.addRecord(new ARecord(owner, DClass.IN, ttl, InetAddress.getByName(addr)), Section.ANSWER);
        return m.toWire();
    }

    private static void feed(DnsSnooper snooper, byte[] wire, long nowNs) {
        ByteBuffer b = ByteBuffer.allocateDirect(wire.length + 10);
        b.put(10, wire);
        snooper.onAnswer(b, 10, wire.length, nowNs);
    }
}
