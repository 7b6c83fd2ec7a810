package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link EgressE2eTest} for the bhyve helper. Open mode differs in one documented way: as root
 * the helper becomes {@code nobody} after binding its forwards, so ICMP echo to the outside
 * needs ping sockets permitted for nobody's group (net.ipv4.ping_group_range); raw sockets are
 * gone with root. TCP and UDP are checked as in the base test; ICMP only where the sysctl allows.
 */
abstract class BhyveEgressE2eBase extends EgressE2eTest {
    private static final Duration T = Duration.ofSeconds(15);
    private static final int NOBODY_GID = 65534;

    @Override
    @Test
    void openModeReachesOutsideHost() {
        OutsideHost outside = track(OutsideHost.create());
        outside.tcpGreeter(7001, "hello-from-outside");
        outside.udpEcho(7002);
        Guest guest = startGuest(BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN));
        Map<String, Long> before = outside.snmp();
        ExecResult tcp = guest.exec(T, "busybox", "nc", "-w", "5", OutsideHost.ADDRESS, "7001");
        assertEquals("hello-from-outside\n", tcp.assertOk().stdout(), tcp::toString);
        ExecResult udp = guest.sh(T, "echo hello-udp | socat -t 3 - UDP4:" + OutsideHost.ADDRESS + ":7002");
        assertEquals("hello-udp\n", udp.assertOk().stdout(), udp::toString);
        if (nobodyMayPing()) {
            ExecResult ping = guest.exec(T, "busybox", "ping", "-c", "1", "-W", "5", OutsideHost.ADDRESS);
            assertTrue(ping.ok() && ping.stdout().contains("1 packets received"), ping::toString);
        }
        Map<String, Long> after = outside.snmp();
        assertTrue(after.getOrDefault("Tcp.PassiveOpens", 0L) - before.getOrDefault("Tcp.PassiveOpens", 0L) >= 1);
        assertTrue(after.getOrDefault("Udp.InDatagrams", 0L) - before.getOrDefault("Udp.InDatagrams", 0L) >= 1);
    }

    private static boolean nobodyMayPing() {
        try {
            // Not Files.readString: on this JDK and kernel it returned "1" of "1\t0" for this
            // /proc/sys file (readAllLines and an input stream read it whole).
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ping_group_range")).get(0).trim().split("\\s+");
            return Long.parseLong(range[0]) <= NOBODY_GID && NOBODY_GID <= Long.parseLong(range[1]);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
