package dev.jslirp.link;

import static org.junit.jupiter.api.Assertions.*;

import dev.jslirp.os.Errno;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream framing against a real kernel: a unix socketpair (or a listening socket) and its far end as "QEMU". */
class QemuStreamLinkTest {
    private static final int MAX_FRAME = 1514;
    private final List<Integer> fds = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private final ByteBuffer rx = ByteBuffer.allocateDirect(65536);
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(1 << 20);

    @TempDir Path dir;

    @AfterEach
    void closeAll() {
        for (Link l : links) l.close();
        for (int fd : fds) Sys.close(fd);
    }

    /** [0] = the link's end, [1] = "QEMU". */
    private int[] pair() {
        int[] p = new int[2];
        assertEquals(0, Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0, p));
        fds.add(p[1]);
        return p;
    }

    private QemuStreamLink link(int fd) {
        QemuStreamLink l = QemuStreamLink.ofConnected(fd, MAX_FRAME);
        links.add(l);
        return l;
    }

    private static byte[] frame(int length, int seed) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) f[i] = (byte) (seed + i * 7);
        return f;
    }

    private static byte[] record(byte[] frame) {
        byte[] r = new byte[4 + frame.length];
        ByteBuffer.wrap(r).putInt(frame.length).put(frame);
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private void write(int fd, byte[] bytes) {
        scratch.put(0, bytes);
        assertEquals(bytes.length, Sys.write(fd, scratch, 0, bytes.length));
    }

    private byte[] receive(Link link) {
        int n = link.receive(rx, 0, rx.capacity());
        if (n <= 0) return null;
        byte[] b = new byte[n];
        rx.get(0, b);
        return b;
    }

    /** Reads everything available on fd (non-blocking). */
    private byte[] readAll(int fd) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        while (true) {
            int n = Sys.read(fd, scratch, 0, scratch.capacity());
            if (n <= 0) break;
            byte[] b = new byte[n];
            scratch.get(0, b);
            all.writeBytes(b);
        }
        return all.toByteArray();
    }

    @Test
    void framesSplitAcrossReadsAtEveryPointAreReassembled() {
        byte[] a = frame(60, 1), b = frame(1514, 2);
        byte[] stream = concat(record(a), record(b));
        for (int cut : new int[] {1, 2, 3, 4, 5, 30, 63, 64, 65, 66, 67, 68, 69, 1000, stream.length - 1}) {
            int[] p = pair();
            QemuStreamLink link = link(p[0]);
            write(p[1], java.util.Arrays.copyOfRange(stream, 0, cut));
            List<byte[]> got = new ArrayList<>();
            for (byte[] f; (f = receive(link)) != null; ) got.add(f);
            write(p[1], java.util.Arrays.copyOfRange(stream, cut, stream.length));
            for (byte[] f; (f = receive(link)) != null; ) got.add(f);
            assertEquals(2, got.size(), "cut at " + cut);
            assertArrayEquals(a, got.get(0), "cut at " + cut);
            assertArrayEquals(b, got.get(1), "cut at " + cut);
            assertEquals(Link.NOTHING, link.receive(rx, 0, rx.capacity()));
        }
    }

    @Test
    void manyFramesInOneReadComeOutOneByOne() {
        int[] p = pair();
        QemuStreamLink link = link(p[0]);
        List<byte[]> sent = new ArrayList<>();
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            byte[] f = frame(14 + (i * 37) % 1500, i);
            sent.add(f);
            stream.writeBytes(record(f));
        }
        write(p[1], stream.toByteArray());
        for (byte[] f : sent) assertArrayEquals(f, receive(link));
        assertEquals(Link.NOTHING, link.receive(rx, 0, rx.capacity()));
    }

    @Test
    void sentFramesCarryTheirBigEndianLength() {
        int[] p = pair();
        QemuStreamLink link = link(p[0]);
        byte[] f = frame(100, 9);
        ByteBuffer tx = ByteBuffer.allocateDirect(2000);
        tx.put(0, f);
        assertTrue(link.send(tx, 0, 100));
        assertArrayEquals(record(f), readAll(p[1]));
    }

    @Test
    void lengthBelowAnEthernetHeaderClosesTheConnection() {
        int[] p = pair();
        QemuStreamLink link = link(p[0]);
        write(p[1], concat(record(frame(20, 1)), new byte[] {0, 0, 0, 13}, frame(13, 1)));
        assertArrayEquals(frame(20, 1), receive(link));
        assertEquals(Link.CLOSED, link.receive(rx, 0, rx.capacity()));
        assertEquals(1, link.badPrefixResets);
        assertEquals(0, Sys.read(p[1], scratch, 0, 10), "our end is closed: QEMU reads end of file");
    }

    @Test
    void lengthAboveTheMaximumFrameClosesTheConnection() {
        int[] p = pair();
        QemuStreamLink link = link(p[0]);
        write(p[1], new byte[] {0, 0, (byte) 0x05, (byte) 0xEB}); // 1515
        assertEquals(Link.CLOSED, link.receive(rx, 0, rx.capacity()));
        assertEquals(1, link.badPrefixResets);
        int[] q = pair();
        QemuStreamLink other = link(q[0]);
        write(q[1], new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertEquals(Link.CLOSED, other.receive(rx, 0, rx.capacity()));
    }

    @Test
    void fullSocketDropsWholeFramesAndTheStreamStaysInStep() {
        int[] p = pair();
        Sockets.setsockopt(p[0], Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, 4096);
        QemuStreamLink link = link(p[0]);
        ByteBuffer tx = ByteBuffer.allocateDirect(2000);
        int accepted = 0;
        for (int i = 0; i < 2000; i++) {
            tx.put(0, frame(1000, i));
            if (link.send(tx, 0, 1000)) accepted++;
        }
        assertTrue(link.framesDroppedFull > 0, "the socket and our buffer filled up");
        assertTrue(link.pendingOutputBytes() > 0);
        assertEquals(2000, accepted + link.framesDroppedFull);
        // QEMU drains; the link flushes what it held when it is next served.
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        for (int turns = 0; turns < 10_000 && got.size() < accepted * 1004; turns++) {
            got.writeBytes(readAll(p[1]));
            link.receive(rx, 0, rx.capacity());
        }
        ByteBuffer stream = ByteBuffer.wrap(got.toByteArray());
        assertEquals(accepted * 1004, stream.remaining());
        int seen = 0;
        while (stream.hasRemaining()) {
            assertEquals(1000, stream.getInt(), "every record is whole: frame " + seen);
            byte[] f = new byte[1000];
            stream.get(f);
            assertEquals((byte) 7, (byte) (f[1] - f[0]), "frame content intact");
            seen++;
        }
        assertEquals(0, link.pendingOutputBytes());
    }

    @Test
    void listeningLinkServesOneVmAtATimeAndTheNextAfterADisconnect() {
        String path = dir.resolve("qemu.sock").toString();
        QemuStreamLink link = QemuStreamLink.listen(StreamEndpoint.parse(path), MAX_FRAME, false);
        links.add(link);
        assertEquals(Link.NOTHING, link.receive(rx, 0, rx.capacity()));

        int vm1 = connect(path);
        awaitReadable(link);
        assertEquals(Link.NOTHING, link.receive(rx, 0, rx.capacity()), "accepts");
        assertTrue(link.connected());
        int vm2 = connect(path);
        write(vm1, record(frame(60, 3)));
        awaitReadable(link);
        assertArrayEquals(frame(60, 3), receive(link));
        assertEquals(1, link.connectionsRefused, "the second VM is refused");
        assertEquals(0, Sys.poll(vm2, Sys.POLLIN, 5000) > 0 ? Sys.read(vm2, scratch, 0, 10) : -1);

        Sys.close(vm1);
        fds.remove(Integer.valueOf(vm1));
        awaitReadable(link);
        assertEquals(Link.DISCONNECTED, link.receive(rx, 0, rx.capacity()));
        assertFalse(link.connected());

        int vm3 = connect(path);
        write(vm3, record(frame(70, 4)));
        awaitReadable(link);
        assertArrayEquals(frame(70, 4), receive(link), "accepts the next VM and reads its first frame");
        assertEquals(2, link.connectionsServed);
    }

    @Test
    void oneOffLinkClosesWhenItsVmLeaves() {
        String path = dir.resolve("one.sock").toString();
        QemuStreamLink link = QemuStreamLink.listen(StreamEndpoint.parse(path), MAX_FRAME, true);
        links.add(link);
        int vm = connect(path);
        awaitReadable(link);
        link.receive(rx, 0, rx.capacity());
        Sys.close(vm);
        fds.remove(Integer.valueOf(vm));
        awaitReadable(link);
        assertEquals(Link.CLOSED, link.receive(rx, 0, rx.capacity()));
        link.close();
        links.remove(link);
        assertFalse(Files.exists(Path.of(path)), "the socket file is removed on close");
    }

    @Test
    void tcpEndpointOnLoopbackCarriesFrames() {
        QemuStreamLink link = QemuStreamLink.listen(StreamEndpoint.parse("tcp:127.0.0.1:0"), MAX_FRAME, false);
        links.add(link);
        int port = Sockets.localPort(link.listenFd());
        int vm = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        fds.add(vm);
        assertEquals(0, Sockets.connectInet(vm, Sockets.INADDR_LOOPBACK, port));
        awaitReadable(link);
        link.receive(rx, 0, rx.capacity());
        write(vm, record(frame(42, 5)));
        awaitReadable(link);
        assertArrayEquals(frame(42, 5), receive(link));
    }

    @Test
    void endpointsParse() {
        assertEquals(new StreamEndpoint.Unix("/run/x.sock"), StreamEndpoint.parse("/run/x.sock"));
        assertEquals(new StreamEndpoint.Unix("/run/x.sock"), StreamEndpoint.parse("unix:/run/x.sock"));
        assertEquals(new StreamEndpoint.Inet(0x7F000001, 5555), StreamEndpoint.parse("tcp:127.0.0.1:5555"));
        assertThrows(IllegalArgumentException.class, () -> StreamEndpoint.parse("tcp:10.0.0.1:5555"));
        assertThrows(IllegalArgumentException.class, () -> StreamEndpoint.parse("tcp:127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> StreamEndpoint.parse("tcp:127.0.0.1:70000"));
        assertEquals("addr.type=inet,addr.host=127.0.0.1,addr.port=5555", StreamEndpoint.parse("tcp:127.0.0.1:5555").qemuAddress());
    }

    private int connect(String path) {
        int fd = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        fds.add(fd);
        assertEquals(0, Sockets.connectUnix(fd, path));
        Sys.setNonBlocking(fd, true);
        return fd;
    }

    private static void awaitReadable(Link link) {
        int r = Sys.poll(link.pollFd(), Sys.POLLIN, 5000);
        assertTrue(r > 0, () -> "link's descriptor not readable: " + (r == 0 ? "timeout" : Errno.name(r)));
    }
}
