package dev.jslirp.e2e;

import dev.jslirp.bhyve.HelperTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the two bhyve-like backends share: the device options bhyve would send for a test's
 * {@link BackendOptions}, the C frontend's build, and bringing tap0 up as slirp4netns's
 * --configure does (a bhyve guest configures itself; here the namespace is the guest).
 *
 * <p>Egress DEFAULT maps to {@code open}, since the harness's default expectations are those
 * of the slirp4netns form (guest reaches host loopback); RESTRICTED sends no {@code open}, as
 * bhyve does without the option. DNS always goes to loopback (the test's resolver, or
 * 127.0.0.1:53 where nothing answers): never to the host's resolv.conf.
 */
final class BhyveFrontends {
    private BhyveFrontends() {}

    static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    /** The helper the frontends start: {@link HelperTestSupport#helper()}. */
    static Path helper() {
        return HelperTestSupport.helper();
    }

    /** The device node's options as bhyve's legacy parser stores them, vmname last. */
    static Map<String, String> deviceOptions(BackendOptions o, String vmName) {
        if (o.disableHostLoopback()) throw new IllegalArgumentException("bhyve backends cannot disable host loopback");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("device", "virtio-net");
        m.put("backend", "slirp");
        if (o.egress() != BackendOptions.Egress.RESTRICTED) m.put("open", "true");
        if (!o.hostForwards().isEmpty()) {
            // A rule without a guest address targets bhyve's DHCP address 10.0.2.15; a configured
            // namespace is 10.0.2.100, so name it (which also exercises the grammar's guest address).
            m.put("hostfwd", o.hostForwards().stream()
                    .map(f -> o.configure() ? f.bhyveRule().replace("-:", "-" + Guest.GUEST_ADDRESS + ":") : f.bhyveRule())
                    .collect(Collectors.joining(";")));
        }
        if (o.mtu() != 0) m.put("mtu", Integer.toString(o.mtu()));
        m.put("dns", o.dnsUpstream() == null ? "127.0.0.1:53"
                : o.dnsUpstream().getAddress().getHostAddress() + ":" + o.dnsUpstream().getPort());
        m.put("vmname", vmName);
        return m;
    }

    /** gcc -O2 src/test/c/bhyve_frontend.c → target/bhyve_frontend (rebuilt when the source is newer). */
    static synchronized Path cFrontend() {
        Path src = HelperTestSupport.baseDir().resolve("src/test/c/bhyve_frontend.c");
        Path bin = HelperTestSupport.baseDir().resolve("target/bhyve_frontend");
        try {
            if (!Files.exists(bin) || Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) < 0) {
                Commands.run(Duration.ofSeconds(60), List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o",
                        bin.toString(), src.toString())).assertOk();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bin;
    }

    static String gccMissing() {
        for (String p : List.of("/usr/bin/gcc", "/usr/local/bin/gcc")) if (Files.isExecutable(Path.of(p))) return null;
        return "gcc is not installed (the C frontend is compiled by the test)";
    }

    /** Waits for the frontend's tap0, then configures it when asked (10.0.2.100/24, default route via 10.0.2.2). */
    static void prepareTap(Path netnsPath, BackendOptions o, GuestProcess frontend) {
        String ns = netnsPath.getFileName().toString();
        Await.until(() -> {
            if (!frontend.isAlive()) throw new AssertionError("frontend exited: " + frontend.describe());
            return Commands.run(IP_TIMEOUT, List.of("ip", "-n", ns, "link", "show", "tap0")).ok();
        }, Duration.ofSeconds(20), "the frontend to create tap0 in " + ns);
        if (o.mtu() != 0) Commands.run(IP_TIMEOUT, List.of("ip", "-n", ns, "link", "set", "tap0", "mtu", Integer.toString(o.mtu()))).assertOk();
        if (!o.configure()) return;
        Commands.run(IP_TIMEOUT, List.of("ip", "-n", ns, "addr", "add", Guest.GUEST_ADDRESS + "/24", "dev", "tap0")).assertOk();
        Commands.run(IP_TIMEOUT, List.of("ip", "-n", ns, "link", "set", "tap0", "up")).assertOk();
        Commands.run(IP_TIMEOUT, List.of("ip", "-n", ns, "route", "add", "default", "via", Guest.GATEWAY)).assertOk();
    }
}
