package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The per-packet calls must not allocate once warm (STYLE.md §3). */
class ZeroAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final ByteBuffer frame = ByteBuffer.allocateDirect(2048);
    private final ByteBuffer into = ByteBuffer.allocateDirect(2048);
    private final EpollEvents events = new EpollEvents(16);
    private final InetSockAddr from = new InetSockAddr();
    private final MsgHdr msg = new MsgHdr(2, 0);
    private long frameAddress, intoAddress;
    private long checksum;

    private void round(int[] pair, int ep, int udpA, int udpB, int udpPortB) {
        checksum += Sys.write(pair[0], frame, 0, 1500);
        checksum += Epoll.wait(ep, events, 0);
        for (int i = 0; i < events.count(); i++) checksum += events.data(i) + events.events(i);
        checksum += Sys.read(pair[1], into, 0, 2048);
        checksum += Sockets.send(pair[0], frameAddress, 60, Sockets.MSG_NOSIGNAL);
        checksum += Sockets.recv(pair[1], intoAddress, 2048, Sockets.MSG_DONTWAIT);
        checksum += Sockets.sendmsg(pair[0], msg.clear().iov(frame, 0, 14).iov(frame, 100, 50), Sockets.MSG_NOSIGNAL);
        checksum += Sockets.recv(pair[1], into, 0, 2048, 0);
        checksum += Sockets.sendto(udpA, frame, 0, 100, 0, Sockets.INADDR_LOOPBACK, udpPortB);
        checksum += Sockets.recvfrom(udpB, into, 0, 2048, 0, from) + from.port();
        checksum += Sockets.recv(pair[1], into, 0, 2048, 0); // -EAGAIN path
        checksum += Sys.poll(pair[1], Sys.POLLIN, 0);
        checksum += Sockets.bytesReadable(pair[1]) + Sockets.soError(udpA);
    }

    @Test
    void readWriteSendRecvEpollAllocateNothingOnceWarm() {
        int[] pair = new int[2];
        assertEquals(0, Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_SEQPACKET | Sockets.NONBLOCK_CLOEXEC, 0, pair));
        int ep = Epoll.create();
        int udpA = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_DGRAM | Sockets.NONBLOCK_CLOEXEC, 0);
        int udpB = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_DGRAM | Sockets.NONBLOCK_CLOEXEC, 0);
        try {
            assertEquals(0, Sockets.bindInet(udpB, Sockets.INADDR_LOOPBACK, 0));
            int portB = Sockets.localPort(udpB);
            assertEquals(0, Epoll.add(ep, pair[1], Epoll.EPOLLIN, 42));
            frameAddress = Sys.address(frame);
            intoAddress = Sys.address(into);
            for (int i = 0; i < 30_000; i++) round(pair, ep, udpA, udpB, portB);

            // A per-call allocation would be >= 16 bytes x 10,000 x several calls. A JIT
            // recompilation under load can still allocate a little once, so take the quietest
            // of up to five measurements.
            long allocated = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 5 && allocated >= 1024; attempt++) {
                long before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) round(pair, ep, udpA, udpB, portB);
                allocated = Math.min(allocated, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
            System.out.println("allocated in 10,000 rounds: " + allocated + " bytes");
            assertTrue(checksum != 0);
            assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 10,000 rounds");
        } finally {
            Sys.close(pair[0]);
            Sys.close(pair[1]);
            Sys.close(ep);
            Sys.close(udpA);
            Sys.close(udpB);
        }
    }
}
