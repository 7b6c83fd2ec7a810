package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DHCP (RFC 2131) from two real clients against a backend started without --configure.
 * Both clients run a script of ours that only records the options they were given, so
 * nothing in the namespace (or the host's resolv.conf) is changed by them.
 */
@Tag("e2e")
class DhcpE2eTest extends E2eTestBase {
    @TempDir Path tmp;

    @Test
    void udhcpcGetsLease() throws IOException {
        Guest guest = startGuest(BackendOptions.unconfigured());
        guest.exec(Duration.ofSeconds(5), "ip", "link", "set", "tap0", "up").assertOk();
        Path out = tmp.resolve("udhcpc.env");
        Path script = script("udhcpc.sh", "[ \"$1\" = bound ] && env > " + out + "\nexit 0\n");
        // -f foreground, -q quit once bound, -n fail instead of backgrounding, -t/-T: 5 discovers 1 s apart.
        guest.exec(Duration.ofSeconds(30), "busybox", "udhcpc", "-i", "tap0", "-f", "-q", "-n", "-t", "5", "-T", "1",
                "-s", script.toString()).assertOk();
        Map<String, String> lease = readEnv(out);
        assertEquals("10.0.2.15", lease.get("ip"), lease::toString);
        assertEquals("10.0.2.2", lease.get("router"), lease::toString);
        assertEquals("10.0.2.3", lease.get("dns").trim(), lease::toString);
        assertEquals("255.255.255.0", lease.get("subnet"), lease::toString);
        assertTrue(Long.parseLong(lease.get("lease")) > 0, lease::toString);
    }

    @Test
    void dhclientGetsLease() throws IOException {
        E2eEnvironment.assumeTools("/usr/sbin/dhclient");
        Guest guest = startGuest(BackendOptions.unconfigured());
        // dhclient's stock script brings the link up in PREINIT; ours records only, so do it here.
        guest.exec(Duration.ofSeconds(5), "ip", "link", "set", "tap0", "up").assertOk();
        Path out = tmp.resolve("dhclient.env");
        Path script = script("dhclient.sh", "[ \"$reason\" = BOUND ] && env > " + out + "\nexit 0\n");
        // -1: try once and exit non-zero if no lease; on success dhclient daemonises (Netns.close kills it).
        // -lf/-pf: its default lease and pid files are the host's, keep them in our temp dir.
        guest.exec(Duration.ofSeconds(60), "dhclient", "-1", "-v", "-sf", script.toString(),
                "-lf", tmp.resolve("leases").toString(), "-pf", tmp.resolve("pid").toString(), "tap0").assertOk();
        Map<String, String> lease = readEnv(out);
        assertEquals("10.0.2.15", lease.get("new_ip_address"), lease::toString);
        assertEquals("10.0.2.2", lease.get("new_routers"), lease::toString);
        assertEquals("10.0.2.3", lease.get("new_domain_name_servers"), lease::toString);
        assertEquals("255.255.255.0", lease.get("new_subnet_mask"), lease::toString);
        assertTrue(Long.parseLong(lease.get("new_dhcp_lease_time")) > 0, lease::toString);
    }

    private Path script(String name, String body) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        assertTrue(Files.exists(file), "the DHCP client never reported a bound lease");
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }
}
