package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Open vs restricted egress, against the {@link OutsideHost} at 198.51.100.2 (the only
 * non-loopback address any test uses). The remote kernel's own SNMP counters show whether
 * TCP, UDP and ICMP from the guest actually arrived there, so an answer forged by the
 * backend cannot pass for a real one, and restricted mode must leave them untouched.
 */
@Tag("e2e")
class EgressE2eTest extends E2eTestBase {
    private static final Duration T = Duration.ofSeconds(15);
    private static final int TCP_PORT = 7001;
    private static final int UDP_PORT = 7002;

    @Test
    void openModeReachesOutsideHost() {
        OutsideHost outside = track(OutsideHost.create());
        outside.tcpGreeter(TCP_PORT, "hello-from-outside");
        outside.udpEcho(UDP_PORT);
        BackendOptions.Egress egress = backend.supportsRestricted() ? BackendOptions.Egress.OPEN : BackendOptions.Egress.DEFAULT;
        Guest guest = startGuest(BackendOptions.configured().withEgress(egress));

        Map<String, Long> before = outside.snmp();
        ExecResult tcp = guest.exec(T, "busybox", "nc", "-w", "5", OutsideHost.ADDRESS, Integer.toString(TCP_PORT));
        assertEquals("hello-from-outside\n", tcp.assertOk().stdout(), tcp::toString);
        ExecResult udp = guest.sh(T, "echo hello-udp | socat -t 3 - UDP4:" + OutsideHost.ADDRESS + ":" + UDP_PORT);
        assertEquals("hello-udp\n", udp.assertOk().stdout(), udp::toString);
        ExecResult ping = guest.exec(T, "busybox", "ping", "-c", "1", "-W", "5", OutsideHost.ADDRESS);
        assertTrue(ping.ok() && ping.stdout().contains("1 packets received"), ping::toString);
        Map<String, Long> after = outside.snmp();

        assertTrue(delta(before, after, "Tcp.PassiveOpens") >= 1, "TCP connection did not arrive at the outside host");
        assertTrue(delta(before, after, "Udp.InDatagrams") >= 1, "UDP datagram did not arrive at the outside host");
        assertTrue(delta(before, after, "Icmp.InEchos") >= 1, "ICMP echo did not arrive at the outside host");
    }

    @Test
    void restrictedModeReachesNothingOutside() {
        assumeTrue(backend.supportsRestricted(), () -> backend.name() + " has no restricted mode");
        OutsideHost outside = track(OutsideHost.create());
        outside.tcpGreeter(TCP_PORT, "hello-from-outside");
        outside.udpEcho(UDP_PORT);
        Guest guest = startGuest(BackendOptions.configured().withEgress(BackendOptions.Egress.RESTRICTED));

        Map<String, Long> before = outside.snmp();
        ExecResult tcp = guest.exec(T, "busybox", "nc", "-w", "3", OutsideHost.ADDRESS, Integer.toString(TCP_PORT));
        assertFalse(tcp.stdout().contains("hello-from-outside"), tcp::toString);
        ExecResult udp = guest.sh(T, "echo hello-udp | socat -t 2 - UDP4:" + OutsideHost.ADDRESS + ":" + UDP_PORT);
        assertFalse(udp.stdout().contains("hello-udp"), udp::toString);
        ExecResult ping = guest.exec(T, "busybox", "ping", "-c", "1", "-W", "2", OutsideHost.ADDRESS);
        assertFalse(ping.ok(), ping::toString);
        Map<String, Long> after = outside.snmp();

        assertEquals(0, delta(before, after, "Tcp.InSegs"), "TCP reached the outside host");
        assertEquals(0, delta(before, after, "Udp.InDatagrams"), "UDP reached the outside host");
        assertEquals(0, delta(before, after, "Icmp.InEchos"), "ICMP reached the outside host");
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String key) {
        return after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
    }
}
