package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --splice-forwards}: a TCP forward's connection from the host's loopback goes to a
 * socket jslirp made inside the guest's namespace and is spliced, never crossing the tap.
 * jslirp's own feature, so these run jslirp whatever backend the suite selected.
 */
@Tag("e2e")
class SpliceForwardsE2eTest extends E2eTestBase {
    private static final long LENGTH = Long.getLong("jslirp.e2e.bulkMiB", 100) * 1024 * 1024;
    private static final Duration T = Duration.ofSeconds(150);
    /** The peer echo server in the guest: answers each connection with the address it came from. */
    private static final String PEER_ECHO = "SYSTEM:echo $SOCAT_PEERADDR";

    @TempDir Path tmp;

    private Guest spliced(List<String> extra, BackendOptions options) {
        List<String> all = new ArrayList<>(List.of("--splice-forwards"));
        all.addAll(extra);
        return track(Guest.start(new JslirpWithOptions(all), options));
    }

    @Test
    void hundredMiBEachWayArriveWhole() {
        int upPort = HostServers.closedPort(), downPort;
        do downPort = HostServers.closedPort(); while (downPort == upPort); // each closedPort() is released at once
        Path payload = tmp.resolve("payload");
        HostServers.writeBlob(payload, LENGTH, 51);
        JslirpApi api = track(new JslirpApi());
        Guest guest = spliced(List.of("--api-socket", api.path().toString()), BackendOptions.configured()
                .withHostForward(HostForward.tcp(upPort, 8080)).withHostForward(HostForward.tcp(downPort, 8081)));
        guest.spawn("socat", "TCP4-LISTEN:8080,reuseaddr", "SYSTEM:busybox sha256sum");
        guest.spawn("socat", "-u", "OPEN:" + payload, "TCP4-LISTEN:8081,reuseaddr");
        guest.netns().awaitListening("t", 8080, Duration.ofSeconds(10));
        guest.netns().awaitListening("t", 8081, Duration.ofSeconds(10));
        awaitForward(upPort);
        awaitForward(downPort);

        long t0 = System.nanoTime();
        String reply = sendAndReadReply(upPort, LENGTH, 50);
        report("host->guest", System.nanoTime() - t0);
        assertEquals(HostServers.blobSha256(LENGTH, 50) + "  -", reply.trim(), guest.backend()::describe);

        t0 = System.nanoTime();
        Received got = readToEnd(downPort);
        report("guest->host", System.nanoTime() - t0);
        assertEquals(LENGTH, got.length(), guest.backend()::describe);
        assertEquals(HostServers.blobSha256(LENGTH, 51), got.sha256());

        String counters = api.execute("get_counters");
        assertTrue(counters.contains("\"tcp_spliced_opened\":2"), counters);
        assertTrue(counters.contains("\"tcp_flows_opened\":0"), "nothing took the tap path: " + counters);
    }

    @Test
    void theGuestSeesItsOwnAddressForLoopbackClientsAndTheGatewayForOthers() {
        // jslirp runs in a namespace standing in for the host, so that a second, non-loopback
        // address can be given to a client there without touching the machine's own network.
        Netns host = track(Netns.create());
        Commands.check(Duration.ofSeconds(10), "ip", "-n", host.name(), "addr", "add", "192.0.2.1/32", "dev", "lo");
        int port = 18080;
        Guest guest = track(Guest.start(new JslirpWithOptions(List.of("ip", "netns", "exec", host.name()),
                List.of("--splice-forwards", "--hostfwd", "tcp::" + port + "-:8080")), BackendOptions.configured()));
        guest.spawn("socat", "TCP4-LISTEN:8080,reuseaddr,fork", PEER_ECHO);
        guest.netns().awaitListening("t", 8080, Duration.ofSeconds(10));
        String[] got = new String[1];
        Await.until(() -> {
            got[0] = host.exec(Duration.ofSeconds(10), "socat", "-T", "5", "-", "TCP4:127.0.0.1:" + port).stdout().trim();
            return !got[0].isEmpty();
        }, Duration.ofSeconds(15), "an answer through the forward\n" + guest.backend().describe());
        assertEquals(Guest.GUEST_ADDRESS, got[0], "spliced: the connection comes from the guest's own address");
        ExecResult other = host.exec(Duration.ofSeconds(10), "socat", "-T", "5", "-",
                "TCP4:192.0.2.1:" + port + ",bind=192.0.2.1");
        assertEquals(Guest.GATEWAY, other.assertOk().stdout().trim(), "a client from another address takes the tap path");
    }

    @Test
    void withoutTheOptionTheGuestSeesTheGateway() {
        int port = HostServers.closedPort();
        Guest guest = track(Guest.start(new JslirpWithOptions(List.of()),
                BackendOptions.configured().withHostForward(HostForward.tcp(port, 8080))));
        guest.spawn("socat", "TCP4-LISTEN:8080,reuseaddr,fork", PEER_ECHO);
        guest.netns().awaitListening("t", 8080, Duration.ofSeconds(10));
        awaitForward(port);
        assertEquals(Guest.GATEWAY, readLine(port));
    }

    @Test
    void aThousandShortConnectionsLeaveNoDescriptorBehind() {
        int port = HostServers.closedPort();
        JslirpApi api = track(new JslirpApi());
        Guest guest = spliced(List.of("--api-socket", api.path().toString()),
                BackendOptions.configured().withHostForward(HostForward.tcp(port, 8080)));
        guest.spawn("python3", "-c", """
                import socket
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(('0.0.0.0', 8080))
                s.listen(128)
                while True:
                    c, _ = s.accept()
                    c.sendall(c.recv(16))
                    c.close()
                """);
        guest.netns().awaitListening("t", 8080, Duration.ofSeconds(10));
        awaitForward(port);
        long pid = guest.backend().process().pid();
        echo(port); // the first one links and loads what a spliced connection needs
        Await.until(() -> api.tcpFlows() == 0, Duration.ofSeconds(10), "the first connection to end");
        int before = JslirpApi.fdCount(pid);
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) echo(port);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Await.until(() -> api.tcpFlows() == 0, Duration.ofSeconds(10), "every connection to end, left " + api.tcpFlows());
        // The namespace socket pool refills behind the last connection: wait for it, bounded.
        int[] after = new int[1];
        boolean same = Await.poll(() -> (after[0] = JslirpApi.fdCount(pid)) == before, Duration.ofSeconds(10));
        System.out.println("[e2e] 1000 spliced short connections in " + ms + " ms; jslirp fds " + before + " -> " + after[0]);
        assertTrue(same, "descriptors " + before + " -> " + after[0]);
        String counters = api.execute("get_counters");
        assertTrue(counters.contains("\"tcp_spliced_opened\":1001"), counters);
        assertTrue(counters.contains("\"tcp_spliced_resets\":0"), counters);
    }

    @Test
    void theFlowTableAndAuditLogShowASplicedFlowWhileItIsOpen() throws Exception {
        int port = HostServers.closedPort();
        JslirpApi api = track(new JslirpApi());
        Path audit = tmp.resolve("audit.jsonl");
        Guest guest = spliced(List.of("--api-socket", api.path().toString(), "--audit", audit.toString()),
                BackendOptions.configured().withHostForward(HostForward.tcp(port, 8080)));
        guest.spawn("socat", "TCP4-LISTEN:8080,reuseaddr", "PIPE");
        guest.netns().awaitListening("t", 8080, Duration.ofSeconds(10));
        awaitForward(port);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HostServers.LOOPBACK, port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("held\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("held\n", new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
            String flows = api.execute("list_flows");
            assertTrue(flows.contains("\"state\":\"SPLICED\""), flows);
            assertTrue(flows.contains("\"guest\":\"10.0.2.100:8080\""), flows);
            assertTrue(flows.contains("\"peer\":\"10.0.2.100:"), "the guest's server sees its own address: " + flows);
            assertTrue(flows.contains("\"host\":\"127.0.0.1:" + s.getLocalPort() + "\""), flows);
            assertTrue(flows.contains("\"bytes_from_guest\":5,\"bytes_to_guest\":5"), flows);
            assertTrue(api.execute("get_counters").contains("\"SPLICED\":1"));
        }
        Await.until(() -> !api.execute("list_flows").contains("SPLICED"), Duration.ofSeconds(10), "the flow to go");
        Await.until(() -> auditLines(audit).size() == 2, Duration.ofSeconds(10), "an open and a close line");
        List<String> lines = auditLines(audit);
        assertTrue(lines.get(0).contains("\"event\":\"open\"") && lines.get(0).contains("\"path\":\"splice\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"event\":\"close\"") && lines.get(1).contains("\"bytes_to_guest\":5"), lines.get(1));
    }

    @Test
    void sigtermResetsOpenSplicedConnectionsAndReleasesThePort() throws Exception {
        int port = HostServers.closedPort();
        Guest guest = spliced(List.of(), BackendOptions.configured().withHostForward(HostForward.tcp(port, 8080)));
        guest.spawn("socat", "TCP4-LISTEN:8080,reuseaddr", "PIPE");
        guest.netns().awaitListening("t", 8080, Duration.ofSeconds(10));
        awaitForward(port);
        Process jslirp = guest.backend().process();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HostServers.LOOPBACK, port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("open\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("open\n", new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
            new ProcessBuilder("kill", "-TERM", Long.toString(jslirp.pid())).inheritIO().start().waitFor();
            assertTrue(jslirp.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "jslirp still running 5 s after SIGTERM");
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> s.getInputStream().read(),
                    "the held connection is reset, not ended as if complete");
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
        }
        try (java.net.ServerSocket again = new java.net.ServerSocket()) {
            again.bind(new InetSocketAddress(HostServers.LOOPBACK, port)); // the forward's port is free again
        }
    }

    @Test
    void runModeSplicesToo() {
        int port = HostServers.closedPort();
        List<String> cmd = List.of(JslirpBackend.launcher().toString(), "run", "--splice-forwards",
                "--hostfwd", "tcp:127.0.0.1:" + port + "-:8080", "--", "socat", "TCP4-LISTEN:8080,reuseaddr", PEER_ECHO);
        GuestProcess run = track(GuestProcess.start(cmd));
        String[] got = new String[1];
        Await.until(() -> {
            if (!run.isAlive()) throw new AssertionError("jslirp run ended: " + run.describe());
            got[0] = tryReadLine(port);
            return got[0] != null && !got[0].isEmpty();
        }, Duration.ofSeconds(45), "an answer through run mode's forward\n" + run.describe());
        assertEquals("10.0.2.15", got[0], "the command's own address (run mode's guest)");
        Await.until(() -> !run.isAlive(), Duration.ofSeconds(20), "jslirp to end with its command");
        assertEquals(0, run.process().exitValue(), run::describe);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The guest's tap is configured before jslirp binds the forwards' host ports, so a test
     * that saw the guest ready waits for the port too: with ss, not a probe connection, which
     * would use up a one-connection server in the guest.
     */
    private static void awaitForward(int port) {
        Await.until(() -> !Commands.run(Duration.ofSeconds(5), List.of("ss", "-Hltn", "sport = :" + port)).stdout().isBlank(),
                Duration.ofSeconds(15), "jslirp to listen on host port " + port);
    }

    private record Received(long length, String sha256) {}

    /** Sends {@code length} bytes of blob {@code seed}, half-closes, returns what comes back. */
    private static String sendAndReadReply(int port, long length, long seed) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HostServers.LOOPBACK, port), 5000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            SplittableRandom random = new SplittableRandom(seed);
            byte[] chunk = new byte[64 * 1024];
            for (long left = length; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                HostServers.fill(random, chunk, n);
                out.write(chunk, 0, n);
                left -= n;
            }
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Received readToEnd(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HostServers.LOOPBACK, port), 5000);
            s.setSoTimeout(60_000);
            s.shutdownOutput();
            MessageDigest sha = HostServers.sha256();
            long total = 0;
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, n);
                total += n;
            }
            return new Received(total, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One byte there and back, then the server's close. */
    private static void echo(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HostServers.LOOPBACK, port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write('e');
            InputStream in = s.getInputStream();
            assertEquals('e', in.read());
            assertEquals(-1, in.read());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readLine(int port) {
        String line = tryReadLine(port);
        if (line == null) throw new AssertionError("no answer on port " + port);
        return line;
    }

    /** The server's answer, trimmed, or null if the connection failed. */
    private static String tryReadLine(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HostServers.LOOPBACK, port), 2000);
            s.setSoTimeout(5000);
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> auditLines(Path audit) {
        try {
            return Files.exists(audit) ? Files.readAllLines(audit) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void report(String direction, long ns) {
        double seconds = ns / 1e9;
        System.out.println(String.format(Locale.ROOT, "[e2e] spliced forward %s %d MiB in %.2f s (%.1f MiB/s)",
                direction, LENGTH >> 20, seconds, (LENGTH / 1048576.0) / seconds));
    }
}
