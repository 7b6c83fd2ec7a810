package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** 10.0.2.2 is the host's loopback, unless --disable-host-loopback says it must not be. */
@Tag("e2e")
class HostLoopbackE2eTest extends E2eTestBase {
    private static final Duration T = Duration.ofSeconds(15);

    @Test
    void gatewayReachesHostLoopback() {
        HostServers servers = hostServers();
        int port = servers.echo();
        Guest guest = startGuest(BackendOptions.configured());
        ExecResult r = guest.sh(T, "echo hello-loopback | busybox nc -w 5 " + Guest.GATEWAY + " " + port);
        assertEquals("hello-loopback\n", r.assertOk().stdout(), r::toString);
    }

    @Test
    void disableHostLoopbackBlocksGateway() {
        HostServers servers = hostServers();
        int port = servers.echo();
        Guest guest = startGuest(BackendOptions.configured().withDisableHostLoopback());
        ExecResult r = guest.sh(T, "echo hello-loopback | timeout 8 busybox nc -w 5 " + Guest.GATEWAY + " " + port);
        assertFalse(r.stdout().contains("hello-loopback"), r::toString);
    }
}
