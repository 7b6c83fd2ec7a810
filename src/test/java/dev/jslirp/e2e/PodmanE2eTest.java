package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * podman, a real slirp4netns client, runs jslirp through {@code bin/slirp4netns}
 * (containers.conf {@code [engine] network_cmd_path}, given by CONTAINERS_CONF so the system's
 * configuration is untouched). The image is a busybox rootfs with relative applet symlinks,
 * imported locally (no registry is reachable); storage lives in a temporary root.
 *
 * <p>Proves: podman's {@code --help} probe, {@code -c -e 3 -r 4 --netns-type=path ...}, the ready
 * descriptor, the exit descriptor (jslirp goes when the container does), the API socket
 * ({@code port_handler=slirp4netns}: one add_hostfwd per {@code -p}), host loopback through
 * 10.0.2.2 ({@code allow_host_loopback=true}), and DNS inside the container answered through
 * jslirp by a {@link TestDnsServer} on loopback (JSLIRP_DNS_UPSTREAM), never the host's resolver.
 */
@Tag("e2e")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PodmanE2eTest {
    private static final Duration T = Duration.ofSeconds(120);
    private static final String IMAGE = "localhost/jslirp-busybox:e2e";
    private Path dir;
    private HttpServer hostServer;
    private TestDnsServer dns;
    private final List<String> containers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(E2eEnvironment.isRoot(), "podman e2e needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/podman")), "podman is not installed (Debian package podman; see .ci/run)");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")),
                "runc is not installed (Debian package runc)");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static is not installed");
        Path launcher = JslirpBackend.launcher();
        assumeTrue(Files.isExecutable(launcher), launcher + " missing");
        // Build the jar now, so podman's first probe of the wrapper does not wait for Maven.
        Commands.run(Duration.ofSeconds(400), List.of(launcher.toString(), "--version")).assertOk();

        dir = Files.createTempDirectory("jslirp-podman");
        Path rootfs = dir.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : Commands.check(Duration.ofSeconds(10), "/bin/busybox", "--list").stdout().split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) Files.createSymbolicLink(rootfs.resolve("bin/" + applet), Path.of("busybox"));
        }
        for (String d : List.of("etc", "tmp", "proc", "sys", "dev", "www")) Files.createDirectories(rootfs.resolve(d));
        Files.writeString(rootfs.resolve("www/index.html"), "served-from-the-container\n");
        Commands.check(Duration.ofSeconds(60), "tar", "-C", rootfs.toString(), "-cf", dir.resolve("rootfs.tar").toString(), ".");
        Path wrapper = Path.of(launcher.getParent().toString(), "bin", "slirp4netns");
        Files.writeString(dir.resolve("containers.conf"), "[engine]\nnetwork_cmd_path = \"" + wrapper + "\"\n");

        dns = TestDnsServer.start();
        hostServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        hostServer.createContext("/", ex -> {
            byte[] body = "hello-from-the-host\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (var o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        hostServer.start();
        podman(Duration.ofSeconds(120), "import", dir.resolve("rootfs.tar").toString(), IMAGE).assertOk();
    }

    @AfterEach
    void tearDown() {
        if (dir == null) return;
        for (String c : containers) podman(Duration.ofSeconds(60), "rm", "-f", "-t", "0", c);
        podman(Duration.ofSeconds(60), "rmi", "-f", IMAGE);
        if (hostServer != null) hostServer.stop(0);
        if (dns != null) dns.close();
        Commands.run(Duration.ofSeconds(60), List.of("rm", "-rf", dir.toString()));
    }

    @Test
    void containerReachesHostAndHostReachesPublishedPort() throws Exception {
        int hostPort = freePort();
        String name = "jslirp-e2e-" + ProcessHandle.current().pid();
        containers.add(name);
        ExecResult run = podman(T, "run", "-d", "--name", name, "--runtime", "runc", "--pull=never",
                "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768", "--dns", "10.0.2.3",
                "--network", "slirp4netns:allow_host_loopback=true,port_handler=slirp4netns",
                "-p", hostPort + ":8080", IMAGE, "httpd", "-f", "-p", "8080", "-h", "/www");
        String id = run.assertOk().stdout().trim();

        // Host → container through the port podman published with add_hostfwd on jslirp's API socket.
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        String[] body = {null};
        Await.until(() -> {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/index.html"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                body[0] = r.body();
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, Duration.ofSeconds(60), "the published port to serve the container's page");
        assertEquals("served-from-the-container\n", body[0]);

        // Container → host loopback through the gateway.
        int serverPort = hostServer.getAddress().getPort();
        ExecResult fetch = podman(T, "exec", name, "wget", "-q", "-O", "-", "http://10.0.2.2:" + serverPort + "/");
        assertEquals("hello-from-the-host\n", fetch.assertOk().stdout(), fetch::toString);

        // DNS through jslirp to the test resolver (never the host's).
        ExecResult lookup = podman(T, "exec", name, "nslookup", "www.example.test", "10.0.2.3");
        assertTrue(lookup.stdout().contains(TestDnsServer.WWW_ADDRESS), lookup::toString);
        assertTrue(dns.names().contains(TestDnsServer.WWW), "the test resolver saw no query: " + dns.names());

        // The exit descriptor: when the container goes, so does its jslirp.
        String pids = pgrepJslirp(id);
        assertTrue(!pids.isEmpty(), "no jslirp process names container " + id);
        podman(T, "rm", "-f", "-t", "0", name).assertOk();
        Await.until(() -> pgrepJslirp(id).isEmpty(), Duration.ofSeconds(30), "jslirp to exit with the container (was " + pids + ")");
    }

    /** The jslirp serving a container: its API socket path holds the container's id. */
    private static String pgrepJslirp(String containerId) {
        ExecResult r = Commands.run(Duration.ofSeconds(10), List.of("pgrep", "-f", "jslirp.jar.*" + containerId));
        return r.stdout().trim();
    }

    private ExecResult podman(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("runroot").toString(), "--storage-driver", "vfs"));
        cmd.addAll(List.of(args));
        return runWithEnv(timeout, cmd);
    }

    private ExecResult runWithEnv(Duration timeout, List<String> command) {
        try {
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
            pb.environment().put("JSLIRP_DNS_UPSTREAM", "127.0.0.1:" + dns.port());
            pb.environment().put("JSLIRP_LOG", "info");
            long start = System.nanoTime();
            Process p = pb.start();
            boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) Commands.kill(p, Duration.ofSeconds(5));
            return new ExecResult(List.copyOf(command), exited ? p.exitValue() : -1, Files.readString(out), Files.readString(err),
                    !exited, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
