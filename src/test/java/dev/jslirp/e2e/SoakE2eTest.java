package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Soak: for {@code -Djslirp.soak.seconds} (default 90) a namespace guest runs
 * {@code soak_driver.py}: concurrent TCP uploads to and downloads from the host (10.0.2.2) of
 * mixed sizes, one connection each (churn), UDP echo and DNS queries through 10.0.2.3 to a
 * {@link TestDnsServer}, every payload checked by SHA-256 on the receiving side. Afterwards
 * the flow table drains (short UDP idle timeout), and jslirp's descriptor count and heap are
 * back near where they started.
 */
@Tag("e2e")
class SoakE2eTest extends E2eTestBase {
    private static final int TCP_WORKERS = 16;
    private final AtomicLong hostBadUploads = new AtomicLong();

    @Test
    @Timeout(value = 1800, unit = TimeUnit.SECONDS)
    void mixedTrafficLeavesNothingBehind() throws Exception {
        int seconds = Integer.getInteger("jslirp.soak.seconds", 90);
        TestDnsServer dns = track(TestDnsServer.start());
        JslirpApi api = track(new JslirpApi());
        int upPort = server(this::serveUpload), downPort = server(SoakE2eTest::serveDownload), udpPort = udpEcho();
        Guest guest = track(Guest.start(new JslirpWithOptions(List.of("--api-socket", api.path().toString(),
                        "--udp-idle-timeout", "3000", "--max-tcp-flows", "8192", "--max-udp-flows", "4096")),
                BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN).withDnsUpstream(dns.address())));
        long pid = guest.backend().process().pid();
        Path driver = Files.createTempFile("soak_driver", ".py");
        track(() -> Files.deleteIfExists(driver));
        try (InputStream in = getClass().getResourceAsStream("soak_driver.py")) {
            Files.write(driver, in.readAllBytes());
        }
        // A short warm-up run so the baseline includes the JIT-compiled paths and the grown pools.
        runDriver(guest, driver, 3, upPort, downPort, udpPort);
        awaitDrained(api);
        int fdStart = JslirpApi.fdCount(pid);
        long heapStart = JslirpApi.heapUsedAfterGcKib(pid), rssStart = JslirpApi.statusKib(pid, "VmRSS");

        long t0 = System.nanoTime();
        ExecResult r = runDriver(guest, driver, seconds, upPort, downPort, udpPort);
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        guest.backend().assertAlive();
        long drainStart = System.nanoTime();
        awaitDrained(api);
        long drainMs = (System.nanoTime() - drainStart) / 1_000_000;
        int fdEnd = JslirpApi.fdCount(pid);
        long heapEnd = JslirpApi.heapUsedAfterGcKib(pid), rssEnd = JslirpApi.statusKib(pid, "VmRSS");
        long hwm = JslirpApi.statusKib(pid, "VmHWM");
        System.out.printf("[soak] %s wall=%d ms, host bad uploads=%d, drained in %d ms; fds %d -> %d; "
                        + "heap after GC %d -> %d KiB; RSS %d -> %d KiB (peak %d KiB); DNS upstream queries %d%n",
                r.stdout().strip(), wallMs, hostBadUploads.get(), drainMs, fdStart, fdEnd, heapStart, heapEnd,
                rssStart, rssEnd, hwm, dns.queries());

        assertTrue(r.ok(), r::toString);
        assertEquals(0, hostBadUploads.get(), "uploads that arrived corrupted at the host");
        assertTrue(r.stdout().contains("errors=0"), r::toString);
        assertTrue(Math.abs(fdEnd - fdStart) <= 4, "descriptors " + fdStart + " -> " + fdEnd);
        if (heapStart > 0 && heapEnd > 0) {
            assertTrue(heapEnd - heapStart < 16 * 1024, "heap after GC " + heapStart + " -> " + heapEnd + " KiB");
        }
    }

    private static ExecResult runDriver(Guest guest, Path driver, int seconds, int up, int down, int udp) {
        ExecResult r = guest.exec(Duration.ofSeconds(seconds + 300L), "python3", driver.toString(), Integer.toString(seconds),
                Guest.GATEWAY, Integer.toString(up), Integer.toString(down), Integer.toString(udp), Guest.DNS,
                TestDnsServer.WWW, TestDnsServer.WWW_ADDRESS, Integer.toString(TCP_WORKERS));
        assertTrue(r.ok(), r::toString);
        return r;
    }

    /** TCP and UDP flows all gone: TIME-WAIT (1 s) and the UDP idle timeout (3 s) have passed. */
    private static void awaitDrained(JslirpApi api) {
        Await.until(() -> api.tcpUdpFlowsListed() == 0, Duration.ofSeconds(60),
                "an empty flow table, still: " + api.execute("list_flows"));
    }

    private interface Handler {
        void handle(Socket s) throws IOException;
    }

    private int server(Handler handler) {
        try {
            ServerSocket server = track(new ServerSocket(0, 512, HostServers.LOOPBACK));
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                handler.handle(s);
                            } catch (IOException e) {
                                // the driver reports what it did not get
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            return server.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads length, SHA-256, payload; answers OK or BAD after checking the hash. */
    private void serveUpload(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        long n = in.readLong();
        byte[] expected = in.readNBytes(32);
        MessageDigest sha = HostServers.sha256();
        byte[] buf = new byte[64 * 1024];
        for (long left = n; left > 0; ) {
            int k = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (k < 0) break;
            sha.update(buf, 0, k);
            left -= k;
        }
        boolean ok = Arrays.equals(expected, sha.digest());
        if (!ok) hostBadUploads.incrementAndGet();
        s.getOutputStream().write(ok ? "OK\n".getBytes() : "BAD".getBytes());
        s.shutdownOutput();
        while (in.read(buf) >= 0) { }   // the guest closes first: its side takes the TIME-WAIT
    }

    /** Reads length and seed; sends the SHA-256 of the stream, then the stream, then closes. */
    private static void serveDownload(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        long n = in.readLong(), seed = in.readLong();
        MessageDigest sha = HostServers.sha256();
        byte[] chunk = new byte[64 * 1024];
        SplittableRandom random = new SplittableRandom(seed);
        for (long left = n; left > 0; left -= chunk.length) {
            int k = (int) Math.min(chunk.length, left);
            HostServers.fill(random, chunk, k);
            sha.update(chunk, 0, k);
        }
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.write(sha.digest());
        random = new SplittableRandom(seed);
        for (long left = n; left > 0; left -= chunk.length) {
            int k = (int) Math.min(chunk.length, left);
            HostServers.fill(random, chunk, k);
            out.write(chunk, 0, k);
        }
        out.flush();
    }

    private int udpEcho() {
        try {
            DatagramSocket socket = track(new DatagramSocket(new InetSocketAddress(HostServers.LOOPBACK, 0)));
            socket.setReceiveBufferSize(1 << 20);
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[65535];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
