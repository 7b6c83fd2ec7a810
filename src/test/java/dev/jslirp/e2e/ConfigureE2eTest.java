package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** --configure: the guest side is addressed and routed without any client in the guest. */
@Tag("e2e")
class ConfigureE2eTest extends E2eTestBase {
    private static final Duration T = Duration.ofSeconds(10);

    @Test
    void configureSetsAddressRouteAndMtu() {
        Guest guest = startGuest(BackendOptions.configured().withMtu(9000));
        ExecResult addr = guest.exec(T, "ip", "-4", "addr", "show", "dev", "tap0").assertOk();
        assertTrue(addr.stdout().contains("inet 10.0.2.100/24"), addr::toString);
        assertTrue(addr.stdout().contains("mtu 9000"), addr::toString);
        ExecResult route = guest.exec(T, "ip", "-4", "route", "show", "default").assertOk();
        assertTrue(route.stdout().contains("default via 10.0.2.2 dev tap0"), route::toString);
    }
}
