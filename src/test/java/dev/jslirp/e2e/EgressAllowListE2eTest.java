package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * jslirp's egress allow-list ({@code --allow}) against the {@link OutsideHost} at 198.51.100.2:
 * allowed TCP and UDP arrive; denied TCP gets a RST at once, denied UDP and ICMP get ICMP
 * admin-prohibited, and nothing denied reaches the remote kernel (its SNMP counters). Name
 * rules: the address of {@code www.example.test} is reachable only after the guest asked
 * jslirp's DNS for that name (answered by a {@link TestDnsServer} on loopback), and the
 * addresses of other names stay denied. The audit log has a line per decision.
 */
@Tag("e2e")
class EgressAllowListE2eTest extends E2eTestBase {
    private static final Duration T = Duration.ofSeconds(15);

    private GuestBackend jslirpWith(List<String> extra) {
        return new GuestBackend() {
            @Override public String name() { return "jslirp"; }
            @Override public String unavailableReason() { return new JslirpBackend().unavailableReason(); }
            @Override public boolean supportsDnsUpstream() { return true; }
            @Override public boolean supportsRestricted() { return true; }
            @Override public BackendProcess start(Path netnsPath, BackendOptions options) {
                List<String> cmd = new ArrayList<>(List.of(JslirpBackend.launcher().toString()));
                cmd.addAll(extra);
                cmd.addAll(List.of("--configure", "--netns-type=path", netnsPath.toString(), "tap0"));
                return new BackendProcess(name(), GuestProcess.start(cmd), () -> { });
            }
        };
    }

    @Test
    void addressRulesAllowAndDenyEachProtocol() throws Exception {
        assumeTrue(new JslirpBackend().unavailableReason() == null, "jslirp launcher missing");
        OutsideHost outside = track(OutsideHost.create());
        outside.tcpGreeter(7001, "allowed-tcp");
        outside.tcpGreeter(7003, "denied-tcp");
        outside.udpEcho(7002);
        outside.udpEcho(7004);
        TestDnsServer dns = track(TestDnsServer.start());
        Path audit = Files.createTempFile("jslirp-audit", ".jsonl");
        track(() -> Files.deleteIfExists(audit));
        Guest guest = track(Guest.start(jslirpWith(List.of("--dns-upstream", "127.0.0.1:" + dns.port(),
                "--allow", "tcp:198.51.100.2:7001", "--allow", "udp:198.51.100.0/24:7002", "--audit", audit.toString())),
                BackendOptions.configured()));

        Map<String, Long> before = outside.snmp();
        ExecResult tcp = guest.exec(T, "busybox", "nc", "-w", "5", OutsideHost.ADDRESS, "7001");
        assertEquals("allowed-tcp\n", tcp.assertOk().stdout(), tcp::toString);
        ExecResult udp = guest.sh(T, "echo hello-udp | socat -t 3 - UDP4:" + OutsideHost.ADDRESS + ":7002");
        assertEquals("hello-udp\n", udp.assertOk().stdout(), udp::toString);
        Map<String, Long> afterAllowed = outside.snmp();

        ExecResult deniedTcp = guest.exec(T, "socat", "-T", "5", "-", "TCP4:" + OutsideHost.ADDRESS + ":7003,connect-timeout=5");
        assertFalse(deniedTcp.ok(), deniedTcp::toString);
        assertTrue(deniedTcp.stderr().contains("Connection refused"), "RST expected: " + deniedTcp);
        ExecResult deniedUdp = guest.sh(T, "echo x | socat -t 2 - UDP4:" + OutsideHost.ADDRESS + ":7004; "
                + "echo y | socat -t 2 - UDP4:" + OutsideHost.ADDRESS + ":7004");
        assertFalse(deniedUdp.stdout().contains("x"), deniedUdp::toString);
        ExecResult ping = guest.exec(T, "busybox", "ping", "-c", "1", "-W", "3", OutsideHost.ADDRESS);
        assertFalse(ping.ok(), ping::toString);
        Map<String, Long> after = outside.snmp();

        assertTrue(delta(before, afterAllowed, "Tcp.PassiveOpens") >= 1, "allowed TCP did not arrive");
        assertTrue(delta(before, afterAllowed, "Udp.InDatagrams") >= 1, "allowed UDP did not arrive");
        assertEquals(0, delta(afterAllowed, after, "Tcp.InSegs"), "denied TCP reached the outside host");
        assertEquals(0, delta(afterAllowed, after, "Udp.InDatagrams"), "denied UDP reached the outside host");
        assertEquals(0, delta(before, after, "Icmp.InEchos"), "denied ICMP reached the outside host");

        String lines = Files.readString(audit);
        assertTrue(lines.contains("\"event\":\"open\",\"proto\":\"tcp\",\"guest\":\"10.0.2.100:"), lines);
        assertTrue(lines.contains("\"peer\":\"198.51.100.2:7003\",\"direction\":\"outbound\",\"verdict\":\"deny\",\"reason\":\"policy\""), lines);
        assertTrue(lines.contains("\"proto\":\"udp\"") && lines.contains("\"peer\":\"198.51.100.2:7004\""), lines);
        assertTrue(lines.contains("\"proto\":\"icmp\"") && lines.contains("\"reason\":\"policy\""), lines);
    }

    @Test
    void nameRuleReachesOnlyWhatJslirpsDnsAnswered() throws Exception {
        assumeTrue(new JslirpBackend().unavailableReason() == null, "jslirp launcher missing");
        OutsideHost outside = track(OutsideHost.create());
        outside.tcpGreeter(7003, "by-name");
        TestDnsServer dns = track(TestDnsServer.start());
        Guest guest = track(Guest.start(jslirpWith(List.of("--dns-upstream", "127.0.0.1:" + dns.port(),
                "--allow", "tcp:name=www.example.test:7003")), BackendOptions.configured()));
        String connect = "socat -T 5 - TCP4:" + OutsideHost.ADDRESS + ":7003,connect-timeout=5";

        ExecResult before = guest.sh(T, connect);
        assertTrue(!before.ok() && before.stderr().contains("Connection refused"), "not asked yet: " + before);

        // Another name's answer does not open this address.
        guest.exec(T, "busybox", "nslookup", "many.example.test", Guest.DNS);
        assertTrue(dns.names().contains(TestDnsServer.MANY), "the other name was not asked: " + dns.names());
        ExecResult other = guest.sh(T, connect);
        assertTrue(!other.ok() && other.stderr().contains("Connection refused"), "other name: " + other);
        ExecResult otherAddr = guest.sh(T, "socat -T 5 - TCP4:198.51.100.10:7003,connect-timeout=5");
        assertTrue(otherAddr.stderr().contains("Connection refused"), "a denied name's address: " + otherAddr);

        ExecResult lookup = guest.exec(T, "busybox", "nslookup", "www.example.test", Guest.DNS);
        assertTrue(lookup.stdout().contains(TestDnsServer.WWW_ADDRESS), lookup::toString);
        ExecResult after = guest.sh(T, connect);
        assertEquals("by-name\n", after.assertOk().stdout(), after::toString);
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String key) {
        return after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
    }
}
