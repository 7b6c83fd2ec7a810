package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 concurrent guest TCP connections to the host (10.0.2.2 → 127.0.0.1), held open by a
 * C client in the namespace and by a selector-based server here, then closed: all are
 * established (server count and jslirp's flow counters), the flow table drains afterwards,
 * and jslirp's peak RSS with 10,000 flows is reported.
 */
@Tag("e2e")
class ManyConnectionsE2eTest extends E2eTestBase {
    private static final int N = Integer.getInteger("jslirp.many.connections", 10_000);

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void tenThousandConnectionsHeldAndClosed() throws Exception {
        Path dir = Files.createTempDirectory("jslirp-many");
        track(() -> Commands.deleteTree(dir));
        Path source = dir.resolve("many_connections.c"), binary = dir.resolve("many_connections");
        try (InputStream in = getClass().getResourceAsStream("many_connections.c")) {
            Files.write(source, in.readAllBytes());
        }
        ExecResult cc = Commands.run(Duration.ofSeconds(120), List.of("gcc", "-O2", "-Wall", "-o", binary.toString(), source.toString()));
        cc.assertOk();

        Server server = track(new Server());
        JslirpApi api = track(new JslirpApi());
        Guest guest = track(Guest.start(new JslirpWithOptions(List.of("--api-socket", api.path().toString(),
                        "--max-tcp-flows", Integer.toString(N + 100))),
                BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN)));
        long pid = guest.backend().process().pid();
        long rssBefore = JslirpApi.statusKib(pid, "VmRSS");
        int fdBefore = JslirpApi.fdCount(pid);
        guest.exec(Duration.ofSeconds(10), "sysctl", "-qw", "net.ipv4.ip_local_port_range=20000 60999");
        Path release = dir.resolve("release");
        long t0 = System.nanoTime();
        GuestProcess client = guest.spawn(binary.toString(), Guest.GATEWAY, Integer.toString(server.port()),
                Integer.toString(N), "200", release.toString(), "400");
        Await.until(() -> client.stdout().contains("established") || !client.isAlive(), Duration.ofSeconds(300),
                "the client to open " + N + " connections");
        long openMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(client.stdout().contains("established " + N + " failed 0"), client::describe);
        Await.until(() -> server.accepted.get() == N, Duration.ofSeconds(60), "the server to accept " + N + ", has " + server.accepted);
        int flows = api.tcpFlows();
        int fdHeld = JslirpApi.fdCount(pid);
        long rssHeld = JslirpApi.statusKib(pid, "VmRSS"), hwmHeld = JslirpApi.statusKib(pid, "VmHWM");
        // Hold: the connections stay established across several seconds of jslirp timers.
        Await.poll(() -> !client.isAlive(), Duration.ofSeconds(3));
        assertTrue(client.isAlive(), client::describe);
        assertEquals(N, api.tcpFlows(), "flows while held");
        assertEquals(N, server.open(), "host connections while held");

        Files.createFile(release);
        Await.until(() -> !client.isAlive(), Duration.ofSeconds(120), "the client to close");
        assertEquals(0, client.process().exitValue(), client::describe);
        long closeStart = System.nanoTime();
        Await.until(() -> api.tcpFlows() == 0, Duration.ofSeconds(120), "the flow table to drain, still " + api.tcpFlows());
        long drainMs = (System.nanoTime() - closeStart) / 1_000_000;
        Await.until(() -> server.open() == 0, Duration.ofSeconds(60), "host side closed, open " + server.open());
        int fdAfter = JslirpApi.fdCount(pid);
        long hwm = JslirpApi.statusKib(pid, "VmHWM");
        System.out.printf("[many] %d connections opened in %d ms; jslirp flows %d, fds %d -> %d -> %d; "
                        + "RSS %d KiB idle, %d KiB with %d flows (VmHWM %d KiB so far), VmHWM %d KiB after closing; drained in %d ms%n",
                N, openMs, flows, fdBefore, fdHeld, fdAfter, rssBefore, rssHeld, N, hwmHeld, hwm, drainMs);
        assertEquals(N, flows);
        assertTrue(fdHeld >= fdBefore + N, "one host socket per flow");
        assertTrue(Math.abs(fdAfter - fdBefore) <= 4, "descriptors " + fdBefore + " -> " + fdAfter);
    }

    /** Accepts and holds connections on one selector thread; counts connections open now. */
    private static final class Server implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger(), closed = new AtomicInteger();
        private final ServerSocketChannel listener;
        private final Selector selector;
        private final Thread thread;

        Server() throws IOException {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(HostServers.LOOPBACK, 0), 4096);
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
            thread = Thread.ofPlatform().daemon().name("e2e-many-server").start(this::run);
        }

        int port() { return listener.socket().getLocalPort(); }
        int open() { return accepted.get() - closed.get(); }

        private void run() {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            try {
                while (selector.isOpen()) {
                    selector.select(1000);
                    if (!selector.isOpen()) return;
                    for (SelectionKey k : selector.selectedKeys()) {
                        if (!k.isValid()) continue;
                        if (k.isAcceptable()) {
                            SocketChannel c;
                            while ((c = listener.accept()) != null) {
                                c.configureBlocking(false);
                                c.register(selector, SelectionKey.OP_READ);
                                accepted.incrementAndGet();
                            }
                        } else if (k.isReadable()) {
                            SocketChannel c = (SocketChannel) k.channel();
                            int n;
                            try {
                                n = c.read(buf.clear());
                            } catch (IOException e) {
                                n = -1;
                            }
                            if (n < 0) {
                                k.cancel();
                                c.close();
                                closed.incrementAndGet();
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | java.nio.channels.ClosedSelectorException e) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            for (SelectionKey k : selector.keys()) k.channel().close();
            selector.close();
            listener.close();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
