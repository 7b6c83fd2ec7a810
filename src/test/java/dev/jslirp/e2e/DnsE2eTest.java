package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DNS through 10.0.2.3 to a {@link TestDnsServer} on host loopback. Needs a backend whose
 * upstream can be chosen: slirp4netns forwards to the host's resolv.conf (outside this
 * machine), so these tests skip for it rather than send a query anywhere real.
 */
@Tag("e2e")
class DnsE2eTest extends E2eTestBase {
    private static final Duration T = Duration.ofSeconds(20);
    private TestDnsServer dns;

    @BeforeEach
    void upstream() {
        assumeTrue(backend.supportsDnsUpstream(), () -> backend.name() + " cannot point 10.0.2.3 at a test resolver");
        E2eEnvironment.assumeTools("/usr/bin/dig");
        dns = track(TestDnsServer.start());
    }

    @Test
    void aRecordResolvesThroughGateway() {
        Guest guest = startGuest(BackendOptions.configured().withDnsUpstream(dns.address()));
        ExecResult r = guest.exec(T, "dig", "+short", "+tries=3", "+time=4", "@" + Guest.DNS, "www.example.test", "A");
        assertEquals(TestDnsServer.WWW_ADDRESS, r.assertOk().stdout().trim(), r::toString);
        assertTrue(dns.names().contains(TestDnsServer.WWW), dns.names()::toString);
    }

    @Test
    void busyboxNslookupResolves() {
        Guest guest = startGuest(BackendOptions.configured().withDnsUpstream(dns.address()));
        ExecResult r = guest.exec(T, "busybox", "nslookup", "www.example.test", Guest.DNS);
        assertTrue(r.stdout().contains(TestDnsServer.WWW_ADDRESS), r::toString);
    }

    @Test
    void unknownNameIsNxdomain() {
        Guest guest = startGuest(BackendOptions.configured().withDnsUpstream(dns.address()));
        ExecResult r = guest.exec(T, "dig", "+tries=3", "+time=4", "@" + Guest.DNS, "nothing.example.test", "A");
        assertTrue(r.assertOk().stdout().contains("status: NXDOMAIN"), r::toString);
    }

    @Test
    void truncatedUdpAnswerFallsBackToTcp() {
        Guest guest = startGuest(BackendOptions.configured().withDnsUpstream(dns.address()));
        // dig retries over TCP when the UDP answer has TC set (its default, +notcp +noignore).
        ExecResult r = guest.exec(T, "dig", "+short", "+tries=3", "+time=4", "@" + Guest.DNS, "many.example.test", "A");
        List<String> got = Arrays.stream(r.assertOk().stdout().trim().split("\n")).sorted().toList();
        List<String> want = IntStream.range(0, TestDnsServer.MANY_COUNT).mapToObj(TestDnsServer::manyAddress).sorted().toList();
        assertEquals(want, got, r::toString);
        assertTrue(dns.udpQueries() >= 1 && dns.tcpQueries() >= 1,
                () -> "udp " + dns.udpQueries() + " tcp " + dns.tcpQueries());
    }

    @Test
    void restrictedModeAnswersRefusedAndSendsNothingUpstream() {
        assumeTrue(backend.supportsRestricted(), () -> backend.name() + " has no restricted mode");
        Guest guest = startGuest(BackendOptions.configured().withDnsUpstream(dns.address())
                .withEgress(BackendOptions.Egress.RESTRICTED));
        ExecResult r = guest.exec(T, "dig", "+tries=3", "+time=4", "@" + Guest.DNS, "www.example.test", "A");
        assertTrue(r.stdout().contains("status: REFUSED"), r::toString);
        assertEquals(0, dns.queries(), () -> "upstream saw " + dns.names());
    }
}
