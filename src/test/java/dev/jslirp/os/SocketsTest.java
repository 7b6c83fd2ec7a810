package dev.jslirp.os;

import static dev.jslirp.os.Sockets.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Socket behaviour we depend on, checked against the real kernel over loopback. */
class SocketsTest {
    private final List<Integer> fds = new ArrayList<>();
    private final ByteBuffer buf = ByteBuffer.allocateDirect(4096);

    private int track(int fd) {
        assertTrue(fd >= 0, () -> "expected a descriptor, got " + Errno.name(fd));
        fds.add(fd);
        return fd;
    }

    private int[] pair(int type) {
        int[] p = new int[2];
        assertEquals(0, socketpair(AF_UNIX, type | NONBLOCK_CLOEXEC, 0, p));
        track(p[0]);
        track(p[1]);
        return p;
    }

    @AfterEach
    void closeAll() {
        for (int fd : fds) Sys.close(fd);
    }

    private int put(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        buf.put(0, b);
        return b.length;
    }

    private String get(int offset, int length) {
        byte[] b = new byte[length];
        buf.get(offset, b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** Waits (bounded) until fd reports one of the events; returns revents. */
    private static int await(int fd, int events) {
        int r = Sys.poll(fd, events, 5000);
        assertTrue(r > 0, () -> "poll: " + (r == 0 ? "timeout" : Errno.name(r)));
        return r;
    }

    @Test
    void seqpacketKeepsRecordBoundariesAndPeekTruncGivesRealLength() {
        int[] p = pair(SOCK_SEQPACKET);
        assertEquals(5, send(p[0], buf, 0, put("hello"), MSG_EOR | MSG_NOSIGNAL));
        assertEquals(12, send(p[0], buf, 0, put("second frame"), MSG_EOR | MSG_NOSIGNAL));

        // Peek with a 1-byte buffer: MSG_TRUNC makes the kernel report the record's length.
        assertEquals(5, recv(p[1], buf, 100, 1, MSG_PEEK | MSG_TRUNC));
        assertEquals(5, recv(p[1], buf, 100, 100, 0));
        assertEquals("hello", get(100, 5));
        // A short read of a record discards its rest; the next record starts fresh.
        assertEquals(12, recv(p[1], buf, 100, 6, MSG_TRUNC));
        assertEquals("second", get(100, 6));
        assertEquals(-Errno.EAGAIN, recv(p[1], buf, 100, 100, 0));
    }

    @Test
    void peerCloseGivesPollRdhupAndEpollRdhup() {
        int[] p = pair(SOCK_STREAM);
        int ep = track(Epoll.create());
        assertEquals(0, Epoll.add(ep, p[1], Epoll.EPOLLIN | Epoll.EPOLLRDHUP, 0xCAFE_0000_0001L));
        EpollEvents events = new EpollEvents(8);
        assertEquals(0, Epoll.wait(ep, events, 0));
        assertEquals(0, Sys.poll(p[1], Sys.POLLIN | Sys.POLLRDHUP, 0));

        assertEquals(0, Sys.close(p[0]));
        fds.remove(Integer.valueOf(p[0]));
        assertEquals(1, Epoll.wait(ep, events, 5000));
        assertEquals(0xCAFE_0000_0001L, events.data(0));
        assertTrue((events.events(0) & Epoll.EPOLLRDHUP) != 0);
        assertTrue((Sys.poll(p[1], Sys.POLLIN | Sys.POLLRDHUP, 0) & Sys.POLLRDHUP) != 0);
        assertEquals(0, recv(p[1], buf, 0, 10, 0), "end of stream");
    }

    @Test
    void tcpOverLoopbackNonBlockingConnectEpollAndShutdown() {
        int listener = track(socket(AF_INET, SOCK_STREAM | NONBLOCK_CLOEXEC, 0));
        assertEquals(0, setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, 1));
        assertEquals(0, bindInet(listener, INADDR_LOOPBACK, 0));
        assertEquals(0, listen(listener, 16));
        int port = localPort(listener);
        assertTrue(port > 0);

        int client = track(socket(AF_INET, SOCK_STREAM | NONBLOCK_CLOEXEC, 0));
        int r = connectInet(client, INADDR_LOOPBACK, port);
        assertTrue(r == 0 || r == -Errno.EINPROGRESS, Errno.name(r));
        int ep = track(Epoll.create());
        assertEquals(0, Epoll.add(ep, client, Epoll.EPOLLOUT, 7));
        EpollEvents events = new EpollEvents(4);
        assertEquals(1, Epoll.wait(ep, events, 5000));
        assertEquals(7, events.data(0));
        assertTrue((events.events(0) & Epoll.EPOLLOUT) != 0);
        assertEquals(0, soError(client));

        await(listener, Sys.POLLIN);
        InetSockAddr peer = new InetSockAddr();
        int server = track(accept4(listener, peer, NONBLOCK_CLOEXEC));
        assertEquals(INADDR_LOOPBACK, peer.addr());
        InetSockAddr clientName = new InetSockAddr();
        assertEquals(0, getsockname(client, clientName));
        assertEquals(clientName.port(), peer.port());
        InetSockAddr serverPeer = new InetSockAddr();
        assertEquals(0, getpeername(client, serverPeer));
        assertEquals(port, serverPeer.port());
        assertEquals("127.0.0.1:" + port, serverPeer.toString());
        assertEquals(1, Sys.isNonBlocking(server));
        assertEquals(1, Sys.isCloseOnExec(server));

        assertEquals(0, setsockopt(server, IPPROTO_TCP, TCP_NODELAY, 1));
        assertEquals(1, getsockopt(server, IPPROTO_TCP, TCP_NODELAY));
        assertEquals(0, setsockopt(server, SOL_SOCKET, SO_KEEPALIVE, 1));
        assertEquals(1, getsockopt(server, SOL_SOCKET, SO_KEEPALIVE));
        assertEquals(0, setsockopt(server, SOL_SOCKET, SO_RCVBUF, 65536));
        assertTrue(getsockopt(server, SOL_SOCKET, SO_RCVBUF) >= 65536, "Linux doubles it");

        assertEquals(4, Sys.write(client, buf, 0, put("ping")));
        await(server, Sys.POLLIN);
        assertEquals(4, bytesReadable(server));
        assertEquals(4, Sys.read(server, buf, 200, 100));
        assertEquals("ping", get(200, 4));
        assertTrue(bytesUnsent(client) >= 0);

        // Half-close: the server sees end of stream but can still send back.
        assertEquals(0, shutdown(client, SHUT_WR));
        await(server, Sys.POLLRDHUP);
        assertEquals(0, Sys.read(server, buf, 200, 100));
        assertEquals(4, send(server, buf, 0, put("pong"), MSG_NOSIGNAL));
        await(client, Sys.POLLIN);
        assertEquals(4, recv(client, buf, 300, 100, 0));
        assertEquals("pong", get(300, 4));
    }

    @Test
    void lingerZeroCloseResetsThePeer() {
        int listener = track(socket(AF_INET, SOCK_STREAM | NONBLOCK_CLOEXEC, 0));
        assertEquals(0, bindInet(listener, INADDR_LOOPBACK, 0));
        assertEquals(0, listen(listener, 4));
        int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); // blocking connect
        assertEquals(0, connectInet(client, INADDR_LOOPBACK, localPort(listener)));
        await(listener, Sys.POLLIN);
        int server = track(accept4(listener, NONBLOCK_CLOEXEC));
        assertEquals(0, setLinger(client, true, 0));
        assertEquals(0, Sys.close(client));
        await(server, Sys.POLLIN);
        assertEquals(-Errno.ECONNRESET, recv(server, buf, 0, 10, 0));
    }

    @Test
    void connectToClosedPortIsRefused() {
        // Find a port nobody listens on: bind, read the port, close.
        int probe = socket(AF_INET, SOCK_STREAM | NONBLOCK_CLOEXEC, 0);
        assertEquals(0, bindInet(probe, INADDR_LOOPBACK, 0));
        int port = localPort(probe);
        Sys.close(probe);

        int client = track(socket(AF_INET, SOCK_STREAM | NONBLOCK_CLOEXEC, 0));
        int r = connectInet(client, INADDR_LOOPBACK, port);
        if (r == -Errno.EINPROGRESS) {
            await(client, Sys.POLLOUT);
            assertEquals(Errno.ECONNREFUSED, soError(client));
        } else {
            assertEquals(-Errno.ECONNREFUSED, r);
        }
    }

    @Test
    void udpSendtoRecvfromReportsTheSender() {
        int a = track(socket(AF_INET, SOCK_DGRAM | NONBLOCK_CLOEXEC, 0));
        int b = track(socket(AF_INET, SOCK_DGRAM | NONBLOCK_CLOEXEC, 0));
        assertEquals(0, bindInet(a, INADDR_LOOPBACK, 0));
        assertEquals(0, bindInet(b, INADDR_LOOPBACK, 0));
        assertEquals(3, sendto(a, buf, 0, put("udp"), MSG_NOSIGNAL, INADDR_LOOPBACK, localPort(b)));
        await(b, Sys.POLLIN);
        InetSockAddr from = new InetSockAddr();
        assertEquals(3, recvfrom(b, buf, 50, 100, 0, from));
        assertEquals("udp", get(50, 3));
        assertEquals(INADDR_LOOPBACK, from.addr());
        assertEquals(localPort(a), from.port());
        assertEquals(AF_INET, from.family());
        assertEquals(-Errno.EAGAIN, recvfrom(b, buf, 50, 100, 0, from));
    }

    @Test
    void scmRightsPassesADescriptorAndSendmsgGathers() {
        int[] p = pair(SOCK_SEQPACKET);
        int[] pipe = new int[2];
        assertEquals(0, Sys.pipe2(pipe, Sys.O_CLOEXEC | Sys.O_NONBLOCK));
        track(pipe[0]);
        track(pipe[1]);

        ByteBuffer other = ByteBuffer.allocateDirect(64);
        other.put(0, "-tail".getBytes(StandardCharsets.US_ASCII));
        MsgHdr out = new MsgHdr(4, 2);
        out.clear().iov(buf, 0, put("head")).iov(other, 0, 5).fd(pipe[1]);
        assertEquals(9, sendmsg(p[0], out, MSG_NOSIGNAL | MSG_EOR));

        ByteBuffer in = ByteBuffer.allocateDirect(64);
        MsgHdr msg = new MsgHdr(1, 2);
        msg.clear().iov(in, 0, 64);
        assertEquals(9, recvmsg(p[1], msg, 0));
        byte[] got = new byte[9];
        in.get(0, got);
        assertEquals("head-tail", new String(got, StandardCharsets.US_ASCII));
        assertEquals(1, msg.receivedFdCount());
        int passed = track(msg.receivedFd(0));
        assertNotEquals(pipe[1], passed);
        assertEquals(1, Sys.isCloseOnExec(passed));

        // Writing into the passed descriptor reaches our pipe's read end.
        assertEquals(2, Sys.write(passed, buf, 0, put("ok")));
        assertEquals(2, Sys.read(pipe[0], buf, 10, 10));
        assertEquals("ok", get(10, 2));
    }

    @Test
    void recvmsgReportsTruncatedRecords() {
        int[] p = pair(SOCK_SEQPACKET);
        assertEquals(100, send(p[0], buf, 0, 100, MSG_EOR));
        ByteBuffer small = ByteBuffer.allocateDirect(16);
        MsgHdr msg = new MsgHdr(1, 1);
        assertEquals(16, recvmsg(p[1], msg.clear().iov(small, 0, 16), 0));
        assertTrue((msg.flags() & MSG_TRUNC) != 0);
        assertEquals(0, msg.receivedFdCount());
        assertEquals(-Errno.EAGAIN, recvmsg(p[1], msg.clear().iov(small, 0, 16), 0));
    }

    @Test
    void unixDatagramReceivesSenderPath() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jslirp-ud");
        String server = dir.resolve("server.sock").toString();
        String client = dir.resolve("client.sock").toString();
        try (UnixDatagram s = UnixDatagram.bind(server); UnixDatagram c = UnixDatagram.bind(client)) {
            c.connect(server);
            assertEquals(5, c.send(buf, 0, put("frame")));
            await(s.fd(), Sys.POLLIN);
            UnixSockAddr from = new UnixSockAddr();
            assertEquals(5, s.receiveFrom(buf, 100, 100, from));
            assertEquals(client, from.path());
            assertEquals(5, s.sendTo(buf, 100, 5, from));
            await(c.fd(), Sys.POLLIN);
            assertEquals(5, c.receive(buf, 200, 100));
            assertEquals("frame", get(200, 5));
            assertEquals(-Errno.EAGAIN, c.receive(buf, 200, 100));
        } finally {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(server));
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(client));
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void abstractUnixNamesNeedNoFile() {
        String name = "@jslirp-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (UnixDatagram s = UnixDatagram.bind(name); UnixDatagram c = UnixDatagram.open()) {
            assertEquals(3, c.sendTo(buf, 0, put("abc"), UnixSockAddr.of(name)));
            await(s.fd(), Sys.POLLIN);
            assertEquals(3, s.receive(buf, 10, 10));
            UnixSockAddr bound = new UnixSockAddr();
            assertEquals(0, getsockname(s.fd(), bound));
            assertEquals(name, bound.path());
        }
    }

    @Test
    void errorsComeBackAsNegativeErrno() {
        assertEquals(-Errno.EBADF, Sys.close(-1));
        assertEquals(-Errno.EBADF, Sys.read(-1, buf, 0, 1));
        int fd = track(Sys.eventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK));
        assertEquals(-Errno.ENOTSOCK, send(fd, buf, 0, 1, 0));
        assertEquals(-Errno.EAGAIN, Sys.read(fd, buf, 0, 8));
        assertEquals("Connection refused", Errno.strerror(Errno.ECONNREFUSED));
        assertEquals("ECONNREFUSED", Errno.name(-Errno.ECONNREFUSED));
        NativeException e = assertThrows(NativeException.class, () -> NativeException.check("connect x", -Errno.EACCES));
        assertEquals("connect x: Permission denied (EACCES)", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Sys.read(fd, buf, 4090, 10));
    }

    @Test
    void pingSocketsAreAllowedOrCleanlyRefused() {
        // socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) depends on net.ipv4.ping_group_range.
        int fd = socket(AF_INET, SOCK_DGRAM | NONBLOCK_CLOEXEC, IPPROTO_ICMP);
        if (fd >= 0) Sys.close(fd);
        else assertTrue(fd == -Errno.EACCES || fd == -Errno.EPERM, Errno.name(fd));
    }

    @Test
    void dupAndFlags() {
        int fd = track(Sys.eventfd(0, 0));
        assertEquals(0, Sys.isNonBlocking(fd));
        assertEquals(0, Sys.setNonBlocking(fd, true));
        assertEquals(1, Sys.isNonBlocking(fd));
        assertEquals(0, Sys.isCloseOnExec(fd));
        assertEquals(0, Sys.setCloseOnExec(fd, true));
        assertEquals(1, Sys.isCloseOnExec(fd));
        int copy = track(Sys.dup(fd));
        assertEquals(1, Sys.isCloseOnExec(copy));
        int high = track(Sys.dupAtLeast(fd, 500));
        assertTrue(high >= 500);
        assertEquals(high, Sys.dup3(copy, high, 0));
        assertEquals(0, Sys.isCloseOnExec(high));
    }
}
