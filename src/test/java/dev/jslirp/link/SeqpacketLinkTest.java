package dev.jslirp.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.os.Epoll;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SeqpacketLink over a real socketpair: records, limits, backpressure, hang-up. */
class SeqpacketLinkTest {
    private int peer;
    private SeqpacketLink link;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(4096);

    @BeforeEach
    void pair() {
        int[] fds = new int[2];
        assertEquals(0, Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_SEQPACKET | Sockets.NONBLOCK_CLOEXEC, 0, fds));
        peer = fds[0];
        link = new SeqpacketLink(fds[1]);
    }

    @AfterEach
    void close() {
        link.close();
        if (peer >= 0) Sys.close(peer);
    }

    private void peerSend(int length, int fill) {
        for (int i = 0; i < length; i++) buf.put(i, (byte) fill);
        assertEquals(length, Sockets.send(peer, buf, 0, length, Sockets.MSG_EOR));
    }

    @Test
    void oneRecordIsOneFrame() {
        peerSend(60, 1);
        peerSend(1514, 2);
        ByteBuffer rx = ByteBuffer.allocateDirect(2048);
        assertEquals(60, link.receive(rx, 0, rx.capacity()));
        assertEquals(1514, link.receive(rx, 0, rx.capacity()));
        assertEquals(2, rx.get(1513));
        assertEquals(Link.NOTHING, link.receive(rx, 0, rx.capacity()));
        assertEquals(Epoll.EPOLLIN | Epoll.EPOLLRDHUP, link.pollEvents());
    }

    @Test
    void tooLongAndTooShortRecordsAreDroppedWhole() {
        peerSend(3000, 7);   // over bhyve's 2048
        peerSend(10, 8);     // shorter than an Ethernet header
        peerSend(64, 9);
        ByteBuffer rx = ByteBuffer.allocateDirect(2048);
        assertEquals(64, link.receive(rx, 0, rx.capacity()));
        assertEquals(9, rx.get(0));
        assertEquals(1, link.droppedTooLong);
        assertEquals(1, link.droppedShort);
    }

    @Test
    void sendIsOneRecordAndNeverOver2048() {
        assertTrue(link.send(buf, 0, 2048));
        assertFalse(link.send(buf, 0, 2049));
        assertEquals(1, link.droppedOversize);
        assertEquals(2048, Sockets.recv(peer, buf, 0, 4096, Sockets.MSG_TRUNC | Sockets.MSG_DONTWAIT));
    }

    @Test
    void fullSocketDropsInsteadOfBlocking() {
        int sent = 0;
        while (link.send(buf, 0, 1500)) sent++;
        assertTrue(sent > 0);
        assertEquals(1, link.droppedFull);
        assertFalse(link.peerGone());
    }

    @Test
    void peerCloseIsClosedAndSendDoesNotRaiseSigpipe() {
        peerSend(60, 1);
        Sys.close(peer);
        peer = -1;
        int revents = Sys.poll(link.pollFd(), Sys.POLLIN | Sys.POLLRDHUP, 1000);
        assertTrue((revents & Sys.POLLRDHUP) != 0, "revents " + revents);
        ByteBuffer rx = ByteBuffer.allocateDirect(2048);
        assertEquals(60, link.receive(rx, 0, rx.capacity()));
        assertEquals(Link.CLOSED, link.receive(rx, 0, rx.capacity()));
        assertFalse(link.send(buf, 0, 60));   // EPIPE with MSG_NOSIGNAL: we are still alive
        assertTrue(link.peerGone());
    }
}
