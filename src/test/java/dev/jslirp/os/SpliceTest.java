package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the spliced forwards rely on from Linux (splice.SpliceDirection): splice(2) between a
 * TCP socket and a pipe, non-blocking, with no offsets, and F_SETPIPE_SZ.
 */
class SpliceTest {
    private static final int FLAGS = Sys.SPLICE_F_MOVE | Sys.SPLICE_F_NONBLOCK;
    private final List<Integer> fds = new ArrayList<>();

    private int track(int fd) {
        assertTrue(fd >= 0, () -> "expected a descriptor, got " + Errno.name(-fd));
        fds.add(fd);
        return fd;
    }

    @AfterEach
    void closeAll() {
        for (int fd : fds) Sys.close(fd);
    }

    /** A connected loopback TCP pair: [client, accepted]. */
    private int[] tcpPair() {
        int listener = track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0));
        assertEquals(0, Sockets.bindInet(listener, Sockets.INADDR_LOOPBACK, 0));
        assertEquals(0, Sockets.listen(listener, 1));
        int client = track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0));
        int r = Sockets.connectInet(client, Sockets.INADDR_LOOPBACK, Sockets.localPort(listener));
        assertTrue(r == 0 || r == -Errno.EINPROGRESS, Errno.name(-r));
        assertTrue((Sys.poll(client, Sys.POLLOUT, 5000) & Sys.POLLOUT) != 0);
        int accepted = track(Sockets.accept4(listener, Sockets.NONBLOCK_CLOEXEC));
        return new int[] {client, accepted};
    }

    private int[] pipe() {
        int[] p = new int[2];
        assertEquals(0, Sys.pipe2(p, Sys.O_NONBLOCK | Sys.O_CLOEXEC));
        track(p[0]);
        track(p[1]);
        return p;
    }

    @Test
    void socketToPipeToSocketGivesEagainThenTheBytesThenZeroAtEof() {
        int[] in = tcpPair(), out = tcpPair(), pipe = pipe();
        assertEquals(-Errno.EAGAIN, Sys.splice(in[1], pipe[1], 65536, FLAGS), "nothing sent yet");
        ByteBuffer buf = ByteBuffer.allocateDirect(64);
        buf.put(0, "spliced".getBytes());
        assertEquals(7, Sockets.send(in[0], buf, 0, 7, Sockets.MSG_NOSIGNAL));
        assertTrue((Sys.poll(in[1], Sys.POLLIN, 5000) & Sys.POLLIN) != 0);
        assertEquals(7, Sys.splice(in[1], pipe[1], 65536, FLAGS));
        assertEquals(7, Sys.splice(pipe[0], out[0], 7, FLAGS));
        assertTrue((Sys.poll(out[1], Sys.POLLIN, 5000) & Sys.POLLIN) != 0);
        assertEquals(7, Sockets.recv(out[1], buf, 8, 56, 0));
        assertEquals("spliced", new String(new byte[] {buf.get(8), buf.get(9), buf.get(10), buf.get(11), buf.get(12), buf.get(13), buf.get(14)}));
        assertEquals(0, Sockets.shutdown(in[0], Sockets.SHUT_WR));
        assertTrue((Sys.poll(in[1], Sys.POLLIN, 5000) & Sys.POLLIN) != 0);
        assertEquals(0, Sys.splice(in[1], pipe[1], 65536, FLAGS), "EOF");
    }

    @Test
    void aFullPipeGivesEagainNotEof() {
        int[] in = tcpPair(), pipe = pipe();
        assertEquals(4096, Sys.setPipeSize(pipe[1], 4096), "one page");
        ByteBuffer buf = ByteBuffer.allocateDirect(16384);
        assertEquals(16384, Sockets.send(in[0], buf, 0, 16384, Sockets.MSG_NOSIGNAL));
        assertTrue((Sys.poll(in[1], Sys.POLLIN, 5000) & Sys.POLLIN) != 0);
        int moved = Sys.splice(in[1], pipe[1], 65536, FLAGS);
        assertTrue(moved > 0 && moved < 16384, "a pipe of one page took " + moved);
        assertEquals(-Errno.EAGAIN, Sys.splice(in[1], pipe[1], 65536, FLAGS), "full, though the socket has more");
    }

    @Test
    void pipeSizeRoundsUpToPagesAndIsReadBack() {
        int[] pipe = pipe();
        assertEquals(65536, Sys.pipeSize(pipe[0]), "the kernel's default");
        assertEquals(1 << 20, Sys.setPipeSize(pipe[0], (1 << 20) - 100));
        assertEquals(1 << 20, Sys.pipeSize(pipe[1]), "one pipe, both ends");
    }
}
