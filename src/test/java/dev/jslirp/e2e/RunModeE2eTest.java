package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code jslirp run -- COMMAND} and {@code jslirp demo}: the guest is COMMAND in namespaces
 * jslirp makes itself. These run jslirp's own modes, whatever backend the suite selected.
 */
@Tag("e2e")
class RunModeE2eTest {
    private static Path jslirp;

    @BeforeAll
    static void requireEnvironment() {
        E2eEnvironment.assumeUsable();
        jslirp = JslirpBackend.launcher();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jslirp), "no launcher at " + jslirp);
    }

    private static ExecResult run(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(jslirp.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(timeout, cmd);
    }

    @Test
    void commandSeesAConfiguredInterfaceAndItsStatusIsOurs() {
        ExecResult r = run(Duration.ofSeconds(60), "run", "--", "/bin/sh", "-c",
                "ip -4 -o addr show eth0; ip route show default; grep nameserver /etc/resolv.conf; exit 7");
        assertEquals(7, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("inet 10.0.2.15/24"), r.stdout());
        assertTrue(r.stdout().contains("default via 10.0.2.2 dev eth0"), r.stdout());
        assertTrue(r.stdout().contains("nameserver 10.0.2.3"), r.stdout());
    }

    @Test
    void hostResolvConfIsUntouched() throws Exception {
        String before = Files.readString(Path.of("/etc/resolv.conf"));
        run(Duration.ofSeconds(60), "run", "--", "/bin/true").assertOk();
        assertEquals(before, Files.readString(Path.of("/etc/resolv.conf")));
    }

    @Test
    void restrictedByDefaultOpenOnRequest() throws Exception {
        try (HostServers servers = new HostServers()) {
            int port = servers.echo();
            String probe = "echo ping | timeout 5 busybox nc 10.0.2.2 " + port;
            ExecResult restricted = run(Duration.ofSeconds(60), "run", "--", "/bin/sh", "-c", probe);
            assertFalse(restricted.stdout().contains("ping"), "restricted guest reached the host: " + restricted);
            ExecResult open = run(Duration.ofSeconds(60), "run", "--open", "--", "/bin/sh", "-c", probe);
            assertTrue(open.stdout().contains("ping"), "open guest did not reach the host: " + open);
        }
    }

    @Test
    void sigkillOfJslirpLeavesNoGuestBehind() throws Exception {
        String marker = "jslirp-e2e-orphan-" + ProcessHandle.current().pid();
        Process p = new ProcessBuilder(jslirp.toString(), "run", "--", "/bin/sh", "-c", "exec -a " + marker + " sleep 300")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Await.until(() -> pgrep(marker), Duration.ofSeconds(30), "the guest command to start");
            // The launcher exec'd the JVM, so p is the JVM itself.
            p.destroyForcibly();
            p.waitFor();
            Await.until(() -> !pgrep(marker), Duration.ofSeconds(10), "the guest to die with jslirp");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void forwardThatCannotBindStopsStartUpNamingTheRule() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String rule = "tcp:127.0.0.1:" + taken.getLocalPort() + "-:80";
            ExecResult r = run(Duration.ofSeconds(60), "run", "--hostfwd", rule, "--", "/bin/true");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("Unable to add hostfwd rule '" + rule + "'"), r.stderr());
        }
    }

    @Test
    void rootlessRunAsNobody() throws Exception {
        String[] asNobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Commands.run(Duration.ofSeconds(10), List.of(asNobody[0], asNobody[1], asNobody[2], asNobody[3],
                        "unshare", "--user", "--map-root-user", "--net", "true")).exitCode() == 0,
                "unprivileged user namespaces are not available here");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Commands.run(Duration.ofSeconds(10), List.of(asNobody[0], asNobody[1], asNobody[2], asNobody[3],
                        "test", "-r", JslirpBackend.launcher().resolveSibling("target").resolve("jslirp.jar").toString())).exitCode() == 0,
                "user nobody cannot read the built jar from this checkout");
        try (HostServers servers = new HostServers()) {
            int port = servers.echo();
            List<String> cmd = new ArrayList<>(List.of(asNobody));
            cmd.addAll(List.of(jslirp.toString(), "run", "--open", "--", "/bin/sh", "-c",
                    "id -u; echo rootless | timeout 5 busybox nc 10.0.2.2 " + port + "; exit 3"));
            ExecResult r = Commands.run(Duration.ofSeconds(90), cmd);
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.stdout().startsWith("0\n"), "root inside its own user namespace: " + r.stdout());
            assertTrue(r.stdout().contains("rootless"), "the rootless guest reached the host: " + r);
        }
    }

    @Test
    void guestDeletingItsInterfaceStopsJslirpPromptly() {
        long start = System.nanoTime();
        ExecResult r = run(Duration.ofSeconds(60), "run", "--", "/bin/sh", "-c", "ip link del eth0; sleep 30");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(r.stderr().contains("the guest link closed"), r.toString());
        assertTrue(ms < 25_000, "jslirp (and with it the command) should stop at once, took " + ms + " ms");
    }

    @Test
    void demoPassesEveryStep() {
        ExecResult r = run(Duration.ofSeconds(90), "demo");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("guest: DHCP lease 10.0.2.15/24 router 10.0.2.2 dns 10.0.2.3"), r.stdout());
        assertTrue(r.stdout().contains("demo: all steps passed"), r.stdout());
    }

    private static boolean pgrep(String pattern) {
        return Commands.run(Duration.ofSeconds(5), List.of("pgrep", "-f", pattern)).exitCode() == 0;
    }
}
