package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jslirp.bhyve.HelperTestSupport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bhyve-specific end-to-end checks through both frontends: bulk TCP both ways (10 MiB), the real
 * {@code bhyve-slirp-helper} wrapper fed a golden vector's bytes unchanged, and the parent
 * being killed.
 */
@Tag("e2e")
class BhyveFrontendE2eTest extends E2eTestBase {
    private static final long LENGTH = 10L << 20;
    private static final Duration T = Duration.ofSeconds(90);
    private static final Pattern READY = Pattern.compile("ready pid=(\\d+)");

    @TempDir Path tmp;

    private static GuestBackend frontend(String kind) {
        GuestBackend b = kind.equals("c") ? new BhyveCFrontendBackend() : new BhyveJavaFrontendBackend();
        String why = b.unavailableReason();
        assumeTrue(why == null, () -> b.name() + " unavailable: " + why);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "java"})
    void bulkTcpBothWays(String kind) {
        HostServers servers = hostServers();
        Guest guest = track(Guest.start(frontend(kind), BackendOptions.configured()));
        int port = servers.blob(LENGTH, 42);
        ExecResult down = guest.sh(T, "busybox nc " + Guest.GATEWAY + " " + port + " </dev/null | busybox sha256sum");
        assertEquals(HostServers.blobSha256(LENGTH, 42) + "  -", down.assertOk().stdout().trim(), down::toString);

        HostServers.Sink sink = servers.sink();
        Path payload = tmp.resolve("payload");
        HostServers.writeBlob(payload, LENGTH, 43);
        ExecResult up = guest.netns().execWithInput(T, payload, "busybox", "nc", Guest.GATEWAY, Integer.toString(sink.port()));
        up.assertOk();
        HostServers.Received got = sink.await(Duration.ofSeconds(10));
        assertEquals(LENGTH, got.length());
        assertEquals(HostServers.blobSha256(LENGTH, 43), got.sha256());
        System.out.println("[e2e] bhyve-" + kind + " 10 MiB down " + down.elapsed().toMillis() + " ms, up " + up.elapsed().toMillis() + " ms");
    }

    /** The drop-in wrapper at the repository root, via ./jslirp and its jar, fed libnv's own bytes: DHCP works. */
    @Test
    void realWrapperWithGoldenVectorServesDhcp() throws IOException {
        byte[] golden = Files.readAllBytes(HelperTestSupport.baseDir().resolve("src/test/resources/nvlist/a-vmname.bin"));
        BhyveCFrontendBackend c = new BhyveCFrontendBackend(HelperTestSupport.wrapper());
        assumeTrue(c.unavailableReason() == null, c::unavailableReason);
        Netns ns = track(Netns.create());
        BackendProcess p = track(c.startWithConfig(ns.path(), BackendOptions.unconfigured(), golden));
        int helperPid = helperPid(p);
        // the wrapper may first build the jar: wait until the helper has named itself after vmname "vm0"
        Await.until(() -> {
            p.assertAlive();
            return "vm0".equals(comm(helperPid).orElse(""));
        }, Duration.ofSeconds(120), "the helper to read its configuration");
        ns.exec(Duration.ofSeconds(5), "ip", "link", "set", "tap0", "up").assertOk();
        ExecResult r = ns.exec(Duration.ofSeconds(30), "busybox", "udhcpc", "-i", "tap0", "-f", "-q", "-n", "-t", "5", "-T", "1",
                "-s", "/bin/true");
        assertTrue(r.ok() && r.stderr().contains("lease of 10.0.2.15 obtained"), r::toString);
    }

    /** SIGKILL of the parent: the helper sees the hang-up, exits, and its forwarded port is free again. */
    @Test
    void killedParentEndsHelperAndReleasesPorts() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Netns ns = track(Netns.create());
        BackendProcess p = track(new BhyveCFrontendBackend().start(ns.path(),
                BackendOptions.unconfigured().withHostForward(HostForward.tcp(port, 22))));
        int helperPid = helperPid(p);
        Await.until(() -> !canBind(port), Duration.ofSeconds(30), "the helper to bind the forward's port " + port);
        p.process().destroyForcibly();
        assertTrue(p.process().waitFor(10, TimeUnit.SECONDS));
        Await.until(() -> comm(helperPid).isEmpty() || isZombie(helperPid), Duration.ofSeconds(5), "the helper to exit");
        Await.until(() -> canBind(port), Duration.ofSeconds(5), "port " + port + " to be released");
    }

    private static int helperPid(BackendProcess p) {
        int[] pid = new int[1];
        Await.until(() -> {
            Matcher m = READY.matcher(p.describe());
            if (m.find()) pid[0] = Integer.parseInt(m.group(1));
            return pid[0] > 0;
        }, Duration.ofSeconds(20), "the frontend's ready line");
        return pid[0];
    }

    private static Optional<String> comm(int pid) {
        try {
            return Optional.of(Files.readString(Path.of("/proc/" + pid + "/comm")).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isZombie(int pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().anyMatch(l -> l.startsWith("State:\tZ"));
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

}
