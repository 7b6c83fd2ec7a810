package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Restricted means restricted: a guest in {@code --restricted} mode runs
 * {@code escape_attempts.py} (TCP, UDP and ICMP to the {@link OutsideHost}; the gateway as a
 * relay to host loopback servers; fragments; IP options; broadcast and multicast; DNS for
 * outside names over UDP and TCP; forged source addresses on raw sockets). Nothing may leave:
 * tshark on {@code lo} (the test's ports) and on the outside host's veth shows only the control
 * datagram, the outside host's kernel counts nothing, the upstream resolver is never asked.
 * Then open mode with {@code --disable-host-loopback}: the host's loopback is unreachable via
 * 10.0.2.2 while DNS forwarding to the configured upstream keeps working (docs/hardening.md).
 */
@Tag("e2e")
class RestrictedEscapeE2eTest extends E2eTestBase {
    private static final int OUT_TCP = 7101, OUT_UDP = 7102;
    private static final Duration CAPTURE_LIMIT = Duration.ofSeconds(150);

    @Test
    void restrictedGuestCannotGetAnythingOut() throws Exception {
        OutsideHost outside = track(OutsideHost.create());
        outside.tcpGreeter(OUT_TCP, "escaped");
        outside.udpEcho(OUT_UDP);
        HostServers host = hostServers();
        int gwTcp = host.echo(), gwUdp = host.udpEcho();
        TestDnsServer dns = track(TestDnsServer.start());
        Path script = script();
        Guest guest = startGuest(BackendOptions.configured().withEgress(BackendOptions.Egress.RESTRICTED)
                .withDnsUpstream(dns.address()));

        Capture lo = track(Capture.start("lo", "udp port " + Capture.CONTROL_PORT + " or port " + gwTcp + " or port "
                + gwUdp + " or port " + dns.port(), CAPTURE_LIMIT));
        Capture veth = track(Capture.start(outside.hostEnd(), "ip", CAPTURE_LIMIT));
        Map<String, Long> before = outside.snmp();

        ExecResult r = guest.exec(Duration.ofSeconds(120), "python3", script.toString(), OutsideHost.ADDRESS,
                Integer.toString(OUT_TCP), Integer.toString(OUT_UDP), Guest.GATEWAY, Integer.toString(gwTcp),
                Integer.toString(gwUdp), TestDnsServer.WWW);
        guest.backend().assertAlive();
        List<String> leakedLo = lo.stop("127.0.0.1");
        List<String> leakedVeth = veth.stop(OutsideHost.ADDRESS);
        Map<String, Long> after = outside.snmp();

        List<String> attempts = r.stdout().lines().filter(l -> l.startsWith("ATTEMPT ")).toList();
        List<String> escaped = attempts.stream().filter(l -> l.endsWith(" ESCAPED")).toList();
        long udpIn = delta(before, after, "Udp.InDatagrams") + delta(before, after, "Udp.NoPorts")
                - veth.controlsSent();
        System.out.printf("[escape] restricted: %d attempts, %d answered; lo capture %d other packets, veth %d; "
                        + "outside host TCP in %d, UDP in %d (besides control), ICMP in %d; upstream DNS queries %d%n",
                attempts.size(), escaped.size(), leakedLo.size(), leakedVeth.size(), delta(before, after, "Tcp.InSegs"),
                udpIn, delta(before, after, "Icmp.InMsgs"), dns.queries());

        assertTrue(r.ok() && r.stdout().contains("DONE"), r::toString);
        assertTrue(attempts.size() >= 30, r::toString);
        assertEquals(List.of(), escaped, r::toString);
        assertEquals(List.of(), leakedLo, "packets on lo");
        assertEquals(List.of(), leakedVeth, "packets towards the outside host");
        assertEquals(0, delta(before, after, "Tcp.InSegs"), "TCP at the outside host");
        assertEquals(0, udpIn, "UDP at the outside host");
        assertEquals(0, delta(before, after, "Icmp.InMsgs"), "ICMP at the outside host");
        assertEquals(0, dns.queries(), "queries at the upstream resolver: " + dns.names());
    }

    @Test
    void disableHostLoopbackKeepsTheHostOutButDnsForwardingWorks() throws Exception {
        HostServers host = hostServers();
        int gwTcp = host.echo(), gwUdp = host.udpEcho();
        TestDnsServer dns = track(TestDnsServer.start());
        Guest guest = startGuest(BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN)
                .withDisableHostLoopback().withDnsUpstream(dns.address()));
        Capture lo = track(Capture.start("lo", "udp port " + Capture.CONTROL_PORT + " or port " + gwTcp + " or port "
                + gwUdp, CAPTURE_LIMIT));

        Duration t = Duration.ofSeconds(15);
        ExecResult tcp = guest.exec(t, "socat", "-T", "3", "-", "TCP4:" + Guest.GATEWAY + ":" + gwTcp + ",connect-timeout=3");
        ExecResult udp = guest.sh(t, "echo escape | socat -t 2 - UDP4:" + Guest.GATEWAY + ":" + gwUdp);
        ExecResult dig = guest.exec(t, "dig", "+short", "+time=3", "+tries=2", "@" + Guest.DNS, TestDnsServer.WWW);
        List<String> leaked = lo.stop("127.0.0.1");

        assertFalse(tcp.ok(), tcp::toString);
        assertFalse(udp.stdout().contains("escape"), udp::toString);
        assertEquals(List.of(), leaked, "packets to the host's loopback servers");
        // The upstream is jslirp's own resolver configuration, not a guest-chosen destination.
        assertEquals(TestDnsServer.WWW_ADDRESS, dig.assertOk().stdout().strip(), dig::toString);
        assertTrue(dns.queries() >= 1);
    }

    private Path script() throws Exception {
        Path script = Files.createTempFile("escape_attempts", ".py");
        track(() -> Files.deleteIfExists(script));
        try (InputStream in = getClass().getResourceAsStream("escape_attempts.py")) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String key) {
        return after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
    }
}
