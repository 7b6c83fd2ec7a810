package dev.jslirp.e2e.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.jslirp.e2e.Await;
import dev.jslirp.e2e.GuestProcess;
import dev.jslirp.e2e.HostServers;
import dev.jslirp.e2e.TestDnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Linux VM (QEMU, TCG here) on jslirp's QEMU transports. Each boot runs the guest's
 * whole script: DHCP lease, a name resolved through the DNS it was given (jslirp forwards to a
 * {@link TestDnsServer} on loopback, never the host's resolver), ping of the gateway, an HTTP
 * download from the host via 10.0.2.2 checked by sha256 (open mode), and a file served by busybox
 * httpd that the host fetches through a {@code --hostfwd}. Each boot is bounded in time.
 */
@Tag("e2e")
class QemuE2eTest {
    private static final Duration BOOT_LIMIT = Duration.ofSeconds(90);
    private static final long BLOB_LENGTH = 1 << 20;
    private static final long BLOB_SEED = 4242;

    private static TestGuestImage image;
    private static TestDnsServer dns;
    private static HttpServer http;
    private static byte[] blob;
    private static final AtomicBoolean fetched = new AtomicBoolean();

    @TempDir Path dir;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        String reason = TestGuestImage.unavailableReason();
        assumeTrue(reason == null, reason);
        image = TestGuestImage.get();
        System.err.println("test guest: kernel " + image.kernelVersion() + ", built in " + image.buildTime().toMillis() + " ms (0: cached)");
        dns = TestDnsServer.start();
        Path blobFile = Files.createTempFile("jslirp-blob", ".bin");
        HostServers.writeBlob(blobFile, BLOB_LENGTH, BLOB_SEED);
        blob = Files.readAllBytes(blobFile);
        Files.delete(blobFile);
        http = HttpServer.create(new InetSocketAddress(HostServers.LOOPBACK, 0), 8);
        http.createContext("/blob", ex -> {
            ex.sendResponseHeaders(200, blob.length);
            try (var body = ex.getResponseBody()) { body.write(blob); }
        });
        // The guest waits on /done before powering off, so the host can fetch through the forward first.
        http.createContext("/done", ex -> {
            ex.sendResponseHeaders(fetched.get() ? 200 : 404, -1);
            ex.close();
        });
        http.start();
    }

    @AfterAll
    static void tearDown() {
        if (http != null) http.stop(0);
        if (dns != null) dns.close();
    }

    @org.junit.jupiter.api.AfterEach
    void closeAll() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) cleanup.get(i).close();
    }

    @Test
    void streamOverUnixSocketServesOneVmAfterAnother() {
        String sock = dir.resolve("jslirp.sock").toString();
        int hostPort = freeTcpPort();
        GuestProcess jslirp = startJslirp("--socket", sock, "--hostfwd", "tcp:127.0.0.1:" + hostPort + "-:8080");
        String netdev = "stream,id=n0,server=off,addr.type=unix,addr.path=" + sock;
        bootAndCheck(netdev, "", hostPort, "first-vm", jslirp);
        // The same jslirp serves the next VM with fresh state; its forward still works.
        bootAndCheck(netdev, "", hostPort, "second-vm", jslirp);
        assertTrue(jslirp.stderr().contains("waiting for the next connection"), jslirp::describe);
    }

    @Test
    void dgramOverUnixSocketsWithJumboMtu() {
        String sock = dir.resolve("jslirp.dgram").toString();
        int hostPort = freeTcpPort();
        GuestProcess jslirp = startJslirp("--dgram", sock, "--mtu", "9000", "--hostfwd", "tcp:127.0.0.1:" + hostPort + "-:8080");
        String netdev = "dgram,id=n0,local.type=unix,local.path=" + dir.resolve("qemu.dgram")
                + ",remote.type=unix,remote.path=" + sock;
        Map<String, String> results = bootAndCheck(netdev, ",host_mtu=9000", hostPort, "dgram-vm", jslirp);
        assertTrue(results.get("dhcp").contains("mtu=9000"), () -> "DHCP option 26 gives the guest the MTU: " + results);
    }

    @Test
    void streamOverLoopbackTcp() {
        int port = freeTcpPort();
        int hostPort = freeTcpPort();
        GuestProcess jslirp = startJslirp("--socket", "tcp:127.0.0.1:" + port, "--one-off",
                "--hostfwd", "tcp:127.0.0.1:" + hostPort + "-:8080");
        bootAndCheck("stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=" + port, "", hostPort, "inet-vm", jslirp);
        Await.until(() -> !jslirp.isAlive(), Duration.ofSeconds(10), "--one-off jslirp to exit after the VM left");
        assertEquals(0, jslirp.process().exitValue(), jslirp::describe);
    }

    private GuestProcess startJslirp(String... transport) {
        List<String> cmd = new ArrayList<>(List.of(launcher().toString()));
        cmd.addAll(List.of(transport));
        cmd.addAll(List.of("--open", "--dns-upstream", "127.0.0.1:" + dns.port()));
        GuestProcess p = GuestProcess.start(cmd);
        cleanup.add(p);
        Await.until(() -> p.stderr().contains("jslirp: serving") || !p.isAlive(), Duration.ofSeconds(120), "jslirp to listen");
        assertTrue(p.isAlive(), p::describe);
        assertTrue(p.stderr().contains("QEMU options: -netdev"), p::describe);
        return p;
    }

    private Map<String, String> bootAndCheck(String netdev, String deviceExtra, int hostPort, String token, GuestProcess jslirp) {
        fetched.set(false);
        QemuVm vm = QemuVm.boot(image, netdev, deviceExtra, Map.of(
                "jt_name", TestDnsServer.WWW.substring(0, TestDnsServer.WWW.length() - 1),
                "jt_port", Integer.toString(http.getAddress().getPort()),
                "jt_sha", HostServers.blobSha256(BLOB_LENGTH, BLOB_SEED),
                "jt_token", token));
        cleanup.add(vm);
        vm.awaitResult("httpd", BOOT_LIMIT);
        String served = fetch("http://127.0.0.1:" + hostPort + "/hello.txt");
        fetched.set(true);
        Duration total = vm.awaitExit(BOOT_LIMIT);
        Map<String, String> r = vm.results();
        String story = "results " + r + "\n--- console ---\n" + vm.console() + "\n--- jslirp ---\n" + jslirp.describe();
        System.err.println("qemu " + netdev.substring(0, netdev.indexOf(',')) + " " + token + ": booted to userspace in "
                + r.get("boot") + " s (guest uptime), DHCP " + r.get("dhcp") + ", powered off after " + total.toMillis() + " ms");
        assertEquals(token + "\n", served, story);
        assertTrue(r.getOrDefault("dhcp", "").startsWith("ok 10.0.2.15 "), story);
        assertTrue(r.get("dhcp").contains("router=10.0.2.2 dns=10.0.2.3"), story);
        assertEquals("ok " + TestDnsServer.WWW_ADDRESS, r.get("dns"), story);
        assertEquals("ok", r.get("ping"), story);
        assertEquals("ok " + HostServers.blobSha256(BLOB_LENGTH, BLOB_SEED), r.get("wget"), story);
        assertEquals("ok", r.get("hostfwd"), story);
        assertEquals("ok", r.get("end"), story);
        assertTrue(dns.names().stream().anyMatch(n -> n.startsWith("www.example.test")), story);
        return r;
    }

    private static String fetch(String url) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("fetching " + url + " through the forward", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0, 1, HostServers.LOOPBACK)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path launcher() {
        String override = System.getProperty("jslirp.e2e.jslirp");
        if (override != null && !override.isBlank()) return Path.of(override);
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "jslirp");
    }
}
