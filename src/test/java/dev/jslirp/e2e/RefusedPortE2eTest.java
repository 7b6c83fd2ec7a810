package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A guest connect to a host port nobody listens on is refused at once, not left to time out. */
@Tag("e2e")
class RefusedPortE2eTest extends E2eTestBase {

    @Test
    void connectToClosedHostPortIsRefusedQuickly() {
        Guest guest = startGuest(BackendOptions.configured());
        int closed = HostServers.closedPort();
        ExecResult nc = guest.exec(Duration.ofSeconds(10),
                "busybox", "nc", "-w", "5", Guest.GATEWAY, Integer.toString(closed));
        assertFalse(nc.ok(), nc::toString);
        assertTrue(nc.stderr().contains("Connection refused"), nc::toString);
        // The elapsed time includes spawning `ip netns exec`: still far below any retry timer.
        assertTrue(nc.elapsed().compareTo(Duration.ofSeconds(1)) < 0, () -> "took " + nc.elapsed() + ": " + nc);
    }
}
