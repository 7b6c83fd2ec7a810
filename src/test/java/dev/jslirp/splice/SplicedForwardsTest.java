package dev.jslirp.splice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.flow.FlowObserver;
import dev.jslirp.host.EventLoop;
import dev.jslirp.os.Epoll;
import dev.jslirp.os.InetSockAddr;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import dev.jslirp.time.ManualClock;
import dev.jslirp.wire.Ipv4Address;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The splice relay between real loopback TCP connections in this process: a client socket
 * (the "host client"), the socket a forward listener accepted from it (handed to
 * {@link SplicedForwards#take}), and a server standing in for the guest's, reached by a
 * socket of {@link SocketSource#CURRENT_NAMESPACE}. The loop is stepped by hand on this
 * thread with non-blocking sockets, so every step is deterministic; waiting is polling the
 * loop until a condition holds, with a bound.
 */
class SplicedForwardsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long TIMEOUT_NS = 1_000_000_000L;
    private static final long WAIT_NS = 20_000_000_000L;

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final List<String> audit = new ArrayList<>();
    private EventLoop loop;
    private SplicedForwards splice;
    private ServerSocketChannel guestServer;
    private int listenerFd = -1, listenerPort;
    private int fdsBefore;

    /**
     * NIO opens one socket of its own, once, on first use of some close paths (the JDK's
     * pre-close descriptor); have that happen before any test counts descriptors.
     */
    @org.junit.jupiter.api.BeforeAll
    static void warmUpNio() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
            accepted.close();
            client.configureBlocking(false);
            try {
                client.read(ByteBuffer.allocate(1));
            } catch (IOException e) {
                // reset, as expected
            }
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        fdsBefore = openDescriptors();
        loop = new EventLoop(clock);
        guestServer = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        guestServer.configureBlocking(false);
        listenerFd = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
        assertEquals(0, Sockets.bindInet(listenerFd, Ipv4Address.LOOPBACK, 0));
        assertEquals(0, Sockets.listen(listenerFd, 16));
        listenerPort = Sockets.localPort(listenerFd);
        splice = newSplice(8, 64 * 1024);
    }

    private SplicedForwards newSplice(int max, int pipeBytes) {
        SplicedForwards s = new SplicedForwards(loop, SocketSource.CURRENT_NAMESPACE, max, TIMEOUT_NS, pipeBytes);
        loop.addTimed(s);
        s.observer(new FlowObserver() {
            @Override public void opened(int p, int ga, int gp, int pa, int pp, boolean in, long nowNs) {
                audit.add("open " + Ipv4Address.toString(pa) + ":" + pp);
            }
            @Override public void denied(int p, int ga, int gp, int pa, int pp, String reason, long nowNs) { }
            @Override public void closed(int p, int ga, int gp, int pa, int pp, long fromGuest, long toGuest, long nowNs) {
                audit.add("close " + fromGuest + " " + toGuest);
            }
        });
        return s;
    }

    @AfterEach
    void tearDown() throws Exception {
        splice.abortAll(clock.nanoTime());
        for (AutoCloseable c : closeAfter) c.close();
        guestServer.close();
        Sys.close(listenerFd);
        loop.close();
        assertEquals(fdsBefore, openDescriptors(), "descriptors left open");
    }

    /** A connected client, its accepted socket taken by the splice towards {@code guestPort}, and the guest's accepted end. */
    private record Pair(SocketChannel client, SocketChannel guest) {}

    private Pair connect() throws IOException {
        return connect(guestServer.socket().getLocalPort(), true);
    }

    private Pair connect(int guestPort, boolean expectGuest) throws IOException {
        SocketChannel client = track(SocketChannel.open(new InetSocketAddress(LOOPBACK, listenerPort)));
        client.configureBlocking(false);
        InetSockAddr peer = new InetSockAddr();
        int fd = Sockets.accept4(listenerFd, peer, Sockets.NONBLOCK_CLOEXEC);
        assertTrue(fd >= 0, "accept4: " + fd);
        assertTrue(splice.take(fd, peer.addr(), peer.port(), Ipv4Address.LOOPBACK, guestPort, clock.nanoTime()));
        if (!expectGuest) return new Pair(client, null);
        SocketChannel[] guest = new SocketChannel[1];
        pollUntil(() -> {
            try {
                guest[0] = guestServer.accept();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return guest[0] != null;
        }, "the guest server to accept");
        guest[0].configureBlocking(false);
        track(guest[0]);
        pollUntil(() -> spliced(0), "the connection to be spliced");
        return new Pair(client, guest[0]);
    }

    private <T extends AutoCloseable> T track(T c) {
        closeAfter.add(c);
        return c;
    }

    private boolean spliced(int slot) {
        SplicedConnection c = splice.connection(slot);
        return c != null && c.state() == SplicedConnection.State.SPLICING;
    }

    private void pollUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT_NS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out waiting for " + what);
            loop.poll();
        }
    }

    // ------------------------------------------------------------------ bytes

    @Test
    void severalMiBCrossEachWayByteExactWithASlowReader() throws Exception {
        Pair p = connect();
        // Small buffers at both ends, so a reader that does not keep up stops the writer soon.
        p.client.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        p.client.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
        p.guest.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        p.guest.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
        long length = 6L << 20;
        Stream up = new Stream(p.client, p.guest, length, 1), down = new Stream(p.guest, p.client, length, 2);

        // The guest reads nothing yet: the host->guest direction fills and stops reading its source.
        int idle = 0;
        while (idle < 200) {
            long before = up.sent;
            up.write();
            loop.poll();
            idle = up.sent == before ? idle + 1 : 0;
        }
        assertTrue(up.sent < length, "the writer was held back, sent " + up.sent);
        SplicedConnection c = splice.connection(0);
        assertTrue(c.bytesInPipeToGuest() > 0, "bytes wait in the pipe");
        assertEquals(0, c.interest(SplicedConnection.HOST) & Epoll.EPOLLIN, "not reading the host while the pipe is full");
        assertTrue((c.interest(SplicedConnection.NAMESPACE) & Epoll.EPOLLOUT) != 0, "waiting for the guest to take them");
        List<String> listed = new ArrayList<>();
        splice.forEachFlow((proto, ga, gp, pa, pp, ha, hp, in, state, fromGuest, toGuest, o) ->
                listed.add(proto + " " + state + " " + in + " " + Ipv4Address.toString(ha) + " " + fromGuest + " " + (toGuest > 0)));
        assertEquals(List.of("6 SPLICED true 127.0.0.1 0 true"), listed, "the flow table while it is open");

        // Now both ways at once, each reader taking at most 4 KiB a step.
        pollUntil(() -> {
            up.write();
            down.write();
            up.read(4096);
            down.read(4096);
            return up.done() && down.done();
        }, "both streams to arrive");
        assertArrayEquals(up.sentDigest(), up.receivedDigest(), "host->guest bytes");
        assertArrayEquals(down.sentDigest(), down.receivedDigest(), "guest->host bytes");
        pollUntil(() -> splice.activeConnections() == 0, "the connection to end, both ways shut");
        assertEquals("close " + length + " " + length, audit.get(audit.size() - 1), "bytes each way at the close");
    }

    @Test
    void pumpingAllocatesNothing() throws Exception {
        Pair p = connect();
        Stream up = new Stream(p.client, p.guest, Long.MAX_VALUE, 3);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // The quietest of up to 50 rounds of 500 turns: the first rounds run in the
        // interpreter and while the JIT compiles, which allocates.
        long quietest = Long.MAX_VALUE;
        for (int round = 0; round < 50 && quietest > 0; round++) {
            long allocated = 0;
            for (int turn = 0; turn < 500; turn++) {
                up.write();
                long before = threads.getCurrentThreadAllocatedBytes();
                loop.poll();
                allocated += threads.getCurrentThreadAllocatedBytes() - before;
                up.read(1 << 20);
            }
            quietest = Math.min(quietest, allocated);
        }
        assertTrue(up.received > 0);
        assertEquals(0, quietest, "bytes allocated by the loop in the quietest 500 turns");
    }

    // ------------------------------------------------------------------ half-close

    @Test
    void hostHalfCloseReachesTheGuestWhichStillAnswers() throws Exception {
        Pair p = connect();
        write(p.client, "request");
        p.client.shutdownOutput();
        assertEquals("request", readToEof(p.guest));
        write(p.guest, "response");
        p.guest.shutdownOutput();
        assertEquals("response", readToEof(p.client));
        pollUntil(() -> splice.activeConnections() == 0, "the connection to end");
        assertEquals(List.of("open 127.0.0.1:" + p.guest.socket().getPort(), "close 8 7"), audit);
        assertEquals(0, splice.resets);
    }

    @Test
    void guestHalfCloseReachesTheHostWhichStillSends() throws Exception {
        Pair p = connect();
        write(p.guest, "banner");
        p.guest.shutdownOutput();
        assertEquals("banner", readToEof(p.client));
        write(p.client, "more after the guest's end");
        p.client.shutdownOutput();
        assertEquals("more after the guest's end", readToEof(p.guest));
        pollUntil(() -> splice.activeConnections() == 0, "the connection to end");
        assertEquals(0, splice.resets);
    }

    @Test
    void aHungUpHostWaitingForASlowGuestLeavesTheEpollSetAndStillDeliversEverything() throws Exception {
        Pair p = connect();
        p.guest.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
        p.guest.shutdownOutput();
        assertEquals("", readToEof(p.client)); // the host socket's sending side is shut now
        // More than the namespace socket's send buffer (at most tcp_wmem's maximum) and the
        // guest's receive buffer hold, so bytes stay in the pipe; less than the whole way holds
        // (the client's send and the host socket's receive buffers too), so the client can finish.
        long length = tcpWmemMax() + (2 << 20);
        Stream up = new Stream(p.client, p.guest, length, 4);
        pollUntil(() -> {
            up.write();
            return up.sent == length;
        }, "the client to hand over everything and shut down"); // then the host socket hangs up: both ways shut
        SplicedConnection c = splice.connection(0);
        pollUntil(() -> !c.watched(SplicedConnection.HOST), "the hung-up host socket to leave the epoll set");
        assertTrue(c.bytesInPipeToGuest() > 0, "bytes still wait for the guest");
        pollUntil(() -> {
            up.read(4096);
            return up.done() && splice.activeConnections() == 0;
        }, "the guest to read everything and the connection to end");
        assertArrayEquals(up.sentDigest(), up.receivedDigest());
    }

    // ------------------------------------------------------------------ resets and failures

    @Test
    void guestResetResetsTheHost() throws Exception {
        Pair p = connect();
        write(p.client, "x");
        p.guest.setOption(StandardSocketOptions.SO_LINGER, 0);
        p.guest.close();
        assertReset(p.client);
        pollUntil(() -> splice.activeConnections() == 0, "the connection to end");
        assertEquals(1, splice.resets);
    }

    @Test
    void hostResetResetsTheGuest() throws Exception {
        Pair p = connect();
        p.client.setOption(StandardSocketOptions.SO_LINGER, 0);
        p.client.close();
        assertReset(p.guest);
        pollUntil(() -> splice.activeConnections() == 0, "the connection to end");
        assertEquals(1, splice.resets);
    }

    @Test
    void refusedConnectResetsTheHost() throws Exception {
        int closedPort;
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            closedPort = s.socket().getLocalPort();
        }
        Pair p = connect(closedPort, false);
        assertReset(p.client);
        assertEquals(0, splice.activeConnections());
        assertEquals(1, splice.connectFailures);
    }

    @Test
    void connectThatHangsIsGivenUpAtTheTimeout() throws Exception {
        // A listener whose accept queue is full drops further SYNs: the connect stays pending.
        try (ServerSocketChannel full = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), 1)) {
            int port = full.socket().getLocalPort();
            List<SocketChannel> fillers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                SocketChannel f = track(SocketChannel.open());
                f.configureBlocking(false);
                f.connect(new InetSocketAddress(LOOPBACK, port));
                fillers.add(f);
            }
            Pair p = connect(port, false);
            for (int i = 0; i < 50; i++) loop.poll();
            assertEquals(SplicedConnection.State.CONNECTING, splice.connection(0).state());
            clock.advanceNs(TIMEOUT_NS);
            loop.poll();
            assertReset(p.client);
            assertEquals(0, splice.activeConnections());
            assertEquals(1, splice.connectFailures);
        }
    }

    @Test
    void aClientFromAnotherAddressIsLeftToTheTapPath() throws Exception {
        int fd = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
        try {
            assertFalse(splice.take(fd, 0x0A00_0001, 40000, Ipv4Address.LOOPBACK, 80, clock.nanoTime()));
            assertEquals(0, Sockets.soError(fd), "the socket is untouched and still open");
        } finally {
            Sys.close(fd);
        }
        assertEquals(0, splice.opened);
    }

    @Test
    void overTheCapTheClientIsReset() throws Exception {
        splice = newSplice(1, 64 * 1024);
        Pair first = connect();
        Pair second = connect(guestServer.socket().getLocalPort(), false);
        assertReset(second.client);
        assertEquals(1, splice.refusedByCap);
        write(first.client, "still fine");
        first.client.shutdownOutput();
        assertEquals("still fine", readToEof(first.guest));
    }

    @Test
    void shutdownResetsOpenConnections() throws Exception {
        Pair p = connect();
        splice.abortAll(clock.nanoTime());
        assertEquals(0, splice.activeConnections());
        assertReset(p.client);
        assertReset(p.guest);
    }

    // ------------------------------------------------------------------ helpers

    private void write(SocketChannel ch, String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes());
        while (b.hasRemaining()) {
            ch.write(b);
            loop.poll();
        }
    }

    private String readToEof(SocketChannel ch) throws IOException {
        StringBuilder out = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(4096);
        long deadline = System.nanoTime() + WAIT_NS;
        while (System.nanoTime() - deadline < 0) {
            loop.poll();
            b.clear();
            int n = ch.read(b);
            if (n < 0) return out.toString();
            out.append(new String(b.array(), 0, n));
        }
        throw new AssertionError("no EOF, read so far: " + out);
    }

    private void assertReset(SocketChannel ch) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        IOException e = assertThrows(IOException.class, () -> {
            long deadline = System.nanoTime() + WAIT_NS;
            while (System.nanoTime() - deadline < 0) {
                loop.poll();
                b.clear();
                if (ch.read(b) < 0) throw new AssertionError("a clean EOF, not a reset");
            }
            throw new AssertionError("neither reset nor EOF");
        });
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains("reset"), e.getMessage());
    }

    private static long tcpWmemMax() throws IOException {
        // One line; Files.readString reads a /proc file (which reports size 0) short.
        String[] v = java.nio.file.Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_wmem")).get(0).trim().split("\\s+");
        return Long.parseLong(v[2]);
    }

    /** Sockets and pipes this process has open (the JVM may open other files lazily meanwhile). */
    private static int openDescriptors() {
        int n = 0;
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:") || target.startsWith("pipe:")) n++;
                } catch (IOException e) {
                    // closed while we listed
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return n;
    }

    /** A deterministic byte stream from one socket to another, hashed at both ends. */
    private static final class Stream {
        private final SocketChannel from, to;
        private final long length;
        private final SplittableRandom random;
        private final MessageDigest sentSha = sha256(), receivedSha = sha256();
        private final ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024), in = ByteBuffer.allocateDirect(1 << 20);
        private final byte[] scratch = new byte[1 << 20];
        long generated, sent, received;
        private boolean shut;

        Stream(SocketChannel from, SocketChannel to, long length, long seed) {
            this.from = from;
            this.to = to;
            this.length = length;
            this.random = new SplittableRandom(seed);
            out.limit(0);
        }

        void write() {
            try {
                while (true) {
                    if (!out.hasRemaining()) {
                        if (generated == length) break;
                        int n = (int) Math.min(out.capacity(), length - generated);
                        for (int i = 0; i < n; i++) scratch[i] = (byte) random.nextInt();
                        sentSha.update(scratch, 0, n);
                        out.clear();
                        out.put(scratch, 0, n).flip();
                        generated += n;
                    }
                    int n = from.write(out);
                    sent += n;
                    if (n == 0) return;
                }
                if (!shut) {
                    from.shutdownOutput();
                    shut = true;
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        void read(int max) {
            try {
                in.clear().limit(Math.min(max, in.capacity()));
                int n = to.read(in);
                if (n > 0) {
                    in.flip().get(scratch, 0, n);
                    receivedSha.update(scratch, 0, n);
                    received += n;
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        boolean done() { return received == length && shut; }

        byte[] sentDigest() { return sentSha.digest(); }

        byte[] receivedDigest() { return receivedSha.digest(); }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
