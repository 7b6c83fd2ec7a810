package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gateway answers ICMP echo itself. The guest's own ping is root in its namespace, so
 * the host's net.ipv4.ping_group_range ("1 0" here: ping sockets off) matters only to how
 * a backend relays echoes to real hosts, not to this test.
 */
@Tag("e2e")
class PingE2eTest extends E2eTestBase {

    @Test
    void guestPingsGateway() {
        Guest guest = startGuest(BackendOptions.configured());
        ExecResult ping = guest.exec(Duration.ofSeconds(10), "busybox", "ping", "-c", "1", "-W", "3", Guest.GATEWAY);
        assertTrue(ping.ok() && ping.stdout().contains("1 packets received"), ping::toString);
    }
}
