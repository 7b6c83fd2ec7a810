package dev.jslirp.link;

import dev.jslirp.os.Epoll;
import dev.jslirp.os.Errno;
import dev.jslirp.os.NativeException;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * QEMU's {@code -netdev stream} (and passt's protocol): Ethernet frames over a stream socket,
 * each preceded by its length as a 4-byte big-endian number.
 *
 * <pre>
 * | length (4, big endian) | frame (length bytes) | length | frame | ...
 * </pre>
 *
 * <p>Theory of operation. The link owns an epoll set of its own holding the listening socket
 * (when we listen) and the current connection, and offers that set's descriptor as
 * {@link #pollFd()}: an epoll descriptor is itself pollable, so the event loop registers one
 * stable descriptor while the VM's connection under it comes and goes. {@link #receive} is
 * where everything happens: it flushes output held back by a full socket, reassembles frames
 * from the byte stream, and accepts a connection when there is none.
 *
 * <p>Input: bytes are read into a bounded reassembly buffer (room for at least two maximum
 * frames) that may hold a partial prefix, a partial frame or several frames; one frame is
 * copied out per call. A length below an Ethernet header (14) or above
 * {@link #maxFrameLength()} means the stream is out of step: the connection is closed and
 * logged, and the link goes back to listening (passt: {@code tap.c}, {@code tap_passt_input}).
 *
 * <p>Output: a frame and its prefix are written whole or held in a bounded output buffer;
 * when that is full the whole frame is dropped and counted, never a part of it, since a
 * partial frame would desynchronise the stream for good.
 *
 * <p>When the connection ends, a listening link returns {@link Link#DISCONNECTED} once (the
 * stack forgets its flows) and serves the next VM; a one-off or connecting link returns
 * {@link Link#CLOSED}. A second VM connecting while one is served is accepted and closed.
 */
public final class QemuStreamLink implements Link {
    private static final Logger LOG = System.getLogger("jslirp.link");
    /** Length prefix size. */
    public static final int PREFIX_LENGTH = 4;
    /** A frame must at least hold an Ethernet header. */
    public static final int MIN_FRAME_LENGTH = 14;
    private static final long LISTENER_DATA = 1, CONNECTION_DATA = 2;

    private final int epfd;
    private final int listenFd;
    private final boolean oneOff;
    private final int maxFrameLength;
    private final String description;
    /** The unix socket file we created, removed on close; null otherwise. */
    private String socketFile;
    private int connFd = -1;
    private boolean connectionUsed;
    private boolean wantWritable;

    /** Reassembly: bytes [inStart, inEnd) of {@code in} are read but not yet handed out. */
    private final ByteBuffer in;
    private int inStart, inEnd;
    /** Output held back by a full socket: bytes [outStart, outEnd) of {@code out}. */
    private final ByteBuffer out;
    private int outStart, outEnd;

    public long framesDroppedFull, framesDroppedTooLong, framesDroppedNoConnection, framesDroppedTooBig;
    public long badPrefixResets, connectionsServed, connectionsRefused;

    private QemuStreamLink(int listenFd, int connFd, boolean oneOff, int maxFrameLength, String description) {
        if (maxFrameLength < MIN_FRAME_LENGTH) throw new IllegalArgumentException("maxFrameLength " + maxFrameLength);
        this.listenFd = listenFd;
        this.oneOff = oneOff;
        this.maxFrameLength = maxFrameLength;
        this.description = description;
        int record = PREFIX_LENGTH + maxFrameLength;
        this.in = ByteBuffer.allocateDirect(Math.max(2 * record, 64 * 1024));
        this.out = ByteBuffer.allocateDirect(Math.max(4 * record, 256 * 1024));
        this.epfd = NativeException.check("epoll_create1", Epoll.create());
        if (listenFd >= 0) NativeException.check("epoll_ctl", Epoll.add(epfd, listenFd, Epoll.EPOLLIN, LISTENER_DATA));
        if (connFd >= 0) adopt(connFd);
    }

    /**
     * Listens on {@code endpoint} and serves one VM connection at a time.
     * @param oneOff when the first connection ends, {@link #receive} returns {@link Link#CLOSED}
     */
    public static QemuStreamLink listen(StreamEndpoint endpoint, int maxFrameLength, boolean oneOff) {
        int fd = endpoint.listen();
        QemuStreamLink link = new QemuStreamLink(fd, -1, oneOff, maxFrameLength, "listening on " + endpoint.bound(fd));
        if (endpoint instanceof StreamEndpoint.Unix unix && !unix.path().startsWith("@")) link.socketFile = unix.path();
        return link;
    }

    /** Connects to a QEMU that listens ({@code server=on}); the link closes when that connection ends. */
    public static QemuStreamLink connect(StreamEndpoint endpoint, int maxFrameLength) {
        return new QemuStreamLink(-1, endpoint.connect(), true, maxFrameLength, "connected to " + endpoint);
    }

    /** Serves an already connected, non-blocking stream socket (a socketpair end, in tests); the link owns it. */
    public static QemuStreamLink ofConnected(int fd, int maxFrameLength) {
        return new QemuStreamLink(-1, fd, true, maxFrameLength, "fd " + fd);
    }

    /** The listening socket, or -1; its bound port for tcp: port 0. */
    public int listenFd() { return listenFd; }

    public boolean connected() { return connFd >= 0; }

    @Override
    public int pollFd() { return epfd; }

    @Override
    public int maxFrameLength() { return maxFrameLength; }

    @Override
    public int receive(ByteBuffer buf, int offset, int capacity) {
        if (connFd < 0) {
            if (listenFd < 0 || (oneOff && connectionUsed)) return CLOSED;
            acceptNext();
            if (connFd < 0) return NOTHING;
        } else {
            if (listenFd >= 0) refuseExtraClients();
            if (outEnd > outStart) flush();
        }
        while (true) {
            int available = inEnd - inStart;
            if (available >= PREFIX_LENGTH) {
                int length = in.getInt(inStart);
                if (length < MIN_FRAME_LENGTH || length > maxFrameLength) {
                    badPrefixResets++;
                    LOG.log(Level.WARNING, "guest stream sent a frame length of " + Integer.toUnsignedString(length)
                            + " (allowed " + MIN_FRAME_LENGTH + ".." + maxFrameLength + "): closing the connection");
                    return endConnection();
                }
                if (available >= PREFIX_LENGTH + length) {
                    int frameStart = inStart + PREFIX_LENGTH;
                    inStart = frameStart + length;
                    boolean fits = length <= capacity;
                    if (fits) buf.put(offset, in, frameStart, length);
                    if (inStart == inEnd) inStart = inEnd = 0;
                    if (fits) return length;
                    framesDroppedTooBig++;
                    continue;
                }
                if (inStart + PREFIX_LENGTH + length > in.capacity()) compactInput();
            } else if (in.capacity() - inStart < PREFIX_LENGTH) {
                compactInput();
            }
            int n = Sys.read(connFd, in, inEnd, in.capacity() - inEnd);
            if (n > 0) {
                inEnd += n;
                continue;
            }
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) return NOTHING;
            // 0: orderly shutdown; any other error (ECONNRESET...): the VM is gone either way.
            return endConnection();
        }
    }

    @Override
    public boolean send(ByteBuffer buf, int offset, int length) {
        if (length > maxFrameLength || length < MIN_FRAME_LENGTH) {
            framesDroppedTooLong++;
            return false;
        }
        if (connFd < 0) {
            framesDroppedNoConnection++;
            return false;
        }
        if (outEnd > outStart) flush();
        int record = PREFIX_LENGTH + length;
        if (out.capacity() - outEnd < record) {
            compactOutput();
            if (out.capacity() - outEnd < record) {
                framesDroppedFull++;
                return false;
            }
        }
        out.putInt(outEnd, length);
        out.put(outEnd + PREFIX_LENGTH, buf, offset, length);
        outEnd += record;
        flush();
        return true;
    }

    /** Bytes held back waiting for the socket to drain (tests). */
    public int pendingOutputBytes() { return outEnd - outStart; }

    private void flush() {
        while (outEnd > outStart) {
            int n = Sockets.send(connFd, out, outStart, outEnd - outStart, Sockets.MSG_DONTWAIT | Sockets.MSG_NOSIGNAL);
            if (n > 0) {
                outStart += n;
                continue;
            }
            if (n == -Errno.EINTR) continue;
            if (n != -Errno.EAGAIN) {
                // EPIPE, ECONNRESET: the next receive sees the end of the connection.
                outStart = outEnd = 0;
                break;
            }
            break;
        }
        if (outStart == outEnd) outStart = outEnd = 0;
        watchWritable(outEnd > outStart);
    }

    private void watchWritable(boolean want) {
        if (want == wantWritable || connFd < 0) return;
        wantWritable = want;
        Epoll.modify(epfd, connFd, Epoll.EPOLLIN | (want ? Epoll.EPOLLOUT : 0), CONNECTION_DATA);
    }

    private void compactInput() {
        int available = inEnd - inStart;
        if (inStart == 0) return;
        in.put(0, in, inStart, available);
        inStart = 0;
        inEnd = available;
    }

    private void compactOutput() {
        int pending = outEnd - outStart;
        if (outStart == 0) return;
        out.put(0, out, outStart, pending);
        outStart = 0;
        outEnd = pending;
    }

    private void acceptNext() {
        int fd = Sockets.accept4(listenFd, Sockets.NONBLOCK_CLOEXEC);
        if (fd < 0) return;
        connectionsServed++;
        LOG.log(Level.INFO, "guest connected (" + description + ")");
        adopt(fd);
    }

    private void adopt(int fd) {
        connFd = fd;
        connectionUsed = true;
        wantWritable = false;
        inStart = inEnd = outStart = outEnd = 0;
        NativeException.check("epoll_ctl", Epoll.add(epfd, fd, Epoll.EPOLLIN, CONNECTION_DATA));
    }

    /** One VM at a time: anyone else who connects is accepted and closed at once. */
    private void refuseExtraClients() {
        while (true) {
            int fd = Sockets.accept4(listenFd, Sockets.NONBLOCK_CLOEXEC);
            if (fd < 0) return;
            connectionsRefused++;
            LOG.log(Level.WARNING, "refused a second guest connection: one VM is already connected (" + description + ")");
            Sys.close(fd);
        }
    }

    private int endConnection() {
        Epoll.delete(epfd, connFd);
        Sys.close(connFd);
        connFd = -1;
        inStart = inEnd = outStart = outEnd = 0;
        if (listenFd < 0 || oneOff) {
            LOG.log(Level.INFO, "guest disconnected (" + description + ")");
            return CLOSED;
        }
        LOG.log(Level.INFO, "guest disconnected; waiting for the next connection (" + description + ")");
        return DISCONNECTED;
    }

    @Override
    public void counters(java.util.Map<String, Long> out) {
        out.put("stream_dropped_full", framesDroppedFull);
        out.put("stream_dropped_too_long", framesDroppedTooLong);
        out.put("stream_dropped_no_connection", framesDroppedNoConnection);
        out.put("stream_dropped_too_big", framesDroppedTooBig);
        out.put("stream_bad_prefix_resets", badPrefixResets);
        out.put("stream_connections_served", connectionsServed);
        out.put("stream_connections_refused", connectionsRefused);
    }

    @Override
    public void close() {
        if (connFd >= 0) Sys.close(connFd);
        if (listenFd >= 0) Sys.close(listenFd);
        connFd = -1;
        Sys.close(epfd);
        if (socketFile != null) {
            try {
                java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(socketFile));
            } catch (java.io.IOException e) {
                // best effort: a stale socket file is replaced at the next start
            }
        }
    }
}
