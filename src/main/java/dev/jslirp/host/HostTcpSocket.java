package dev.jslirp.host;

import dev.jslirp.os.Epoll;
import dev.jslirp.os.Errno;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import dev.jslirp.tcp.HostStream;
import java.nio.ByteBuffer;

/**
 * A non-blocking host TCP socket as the TCP engine's {@link HostStream}, registered in the
 * event loop under (kind, flow index). One object per flow slot, reused across flows.
 *
 * <p>The epoll index is a token: the slot and a generation that changes with every descriptor
 * the slot gets ({@link #attach}). One epoll_wait can return an event of a socket that an
 * earlier event of the same batch closed, and by then the slot may hold the next flow; the
 * token tells the two apart ({@link #isCurrent}), so such an event does not reach the new
 * flow (a stale EPOLLOUT would make a connect that is still in progress look finished).
 *
 * <p>Interest is kept in sync with what the engine asks for. With no interest at all the
 * descriptor leaves the epoll set: epoll reports hang-up and error regardless of interest,
 * and a half-closed socket the engine is not reading would otherwise wake the loop forever.
 */
public final class HostTcpSocket implements HostStream {
    private final EventLoop loop;
    private final int kind;
    /** Slot bits of a token: flow indexes are below 2^20 ({@code Limits} caps flows there). */
    public static final int SLOT_BITS = 20;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    private static final int GENERATION_MASK = (1 << (32 - SLOT_BITS)) - 1;

    private final int index;
    private int generation;
    private int fd = -1;
    private boolean readWanted, writeWanted, registered;

    public HostTcpSocket(EventLoop loop, int kind, int index) {
        if ((index & ~SLOT_MASK) != 0) throw new IllegalArgumentException("slot out of range: " + index);
        this.loop = loop;
        this.kind = kind;
        this.index = index;
    }

    /** Takes ownership of {@code fd} (already non-blocking); no interest yet. */
    public void attach(int fd) {
        this.fd = fd;
        generation = (generation + 1) & GENERATION_MASK;
        readWanted = writeWanted = registered = false;
    }

    public int fd() { return fd; }

    /** The epoll index of this socket's current descriptor. */
    public int token() { return generation << SLOT_BITS | index; }

    /** The slot an epoll index names. */
    public static int slotOf(int token) { return token & SLOT_MASK; }

    /** Whether an event with this epoll index is about the descriptor the slot holds now. */
    public boolean isCurrent(int token) { return fd >= 0 && token == token(); }

    public boolean isOpen() { return fd >= 0; }

    @Override
    public int read(ByteBuffer buf, int offset, int length) {
        int n = Sockets.recv(fd, buf, offset, length, 0);
        if (n > 0) return n;
        if (n == 0) return length == 0 ? 0 : EOF;
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) return 0;
        return n;
    }

    @Override
    public int write(ByteBuffer buf, int offset, int length) {
        int n = Sockets.send(fd, buf, offset, length, Sockets.MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) return 0;
        return n;
    }

    @Override
    public int read(long address, int length) {
        int n = Sockets.recv(fd, address, length, 0);
        if (n > 0) return n;
        if (n == 0) return length == 0 ? 0 : EOF;
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) return 0;
        return n;
    }

    @Override
    public int write(long address, int length) {
        int n = Sockets.send(fd, address, length, Sockets.MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) return 0;
        return n;
    }

    @Override
    public void shutdownOutput() {
        if (fd >= 0) Sockets.shutdown(fd, Sockets.SHUT_WR);
    }

    @Override
    public void close(boolean abort) {
        if (fd < 0) return;
        if (registered) loop.unregister(fd);
        if (abort) Sockets.setLinger(fd, true, 0); // close() then sends RST (SO_LINGER 0)
        Sys.close(fd);
        fd = -1;
        registered = false;
    }

    @Override
    public void wantRead(boolean on) {
        if (readWanted == on) return;
        readWanted = on;
        updateInterest();
    }

    @Override
    public void wantWrite(boolean on) {
        if (writeWanted == on) return;
        writeWanted = on;
        updateInterest();
    }

    private void updateInterest() {
        if (fd < 0) return;
        int interest = (readWanted ? Epoll.EPOLLIN | Epoll.EPOLLRDHUP : 0) | (writeWanted ? Epoll.EPOLLOUT : 0);
        if (interest == 0) {
            if (registered) {
                loop.unregister(fd);
                registered = false;
            }
        } else if (registered) {
            loop.modify(fd, interest, kind, token());
        } else {
            loop.register(fd, interest, kind, token());
            registered = true;
        }
    }
}
