package dev.jslirp.link;

import dev.jslirp.os.Epoll;
import dev.jslirp.os.Errno;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import java.nio.ByteBuffer;

/**
 * bhyve's slirp backend socket: an AF_UNIX SOCK_SEQPACKET socket on which every record is one
 * plain Ethernet frame (no virtio-net header), at most {@link #MAX_FRAME_LENGTH} bytes each way
 * (bhyve asserts that limit on what it reads; contract spec §1.1, §7).
 *
 * <p>Receive uses MSG_TRUNC, which on Linux makes recv return a record's real length, so a
 * guest record longer than the buffer is recognised and dropped whole instead of being handed
 * on truncated. A zero-length read is end of file: bhyve never sends an empty record, and the
 * C helper spinning on one is a bug the contract tells us not to copy.
 *
 * <p>Send is one record per frame with MSG_EOR (a record boundary on FreeBSD, ignored by Linux
 * where every send is a record), MSG_DONTWAIT (the socket is non-blocking anyway, but the flag
 * keeps us honest if a parent hands us a blocking one) and MSG_NOSIGNAL (a parent that went
 * away must not kill us with SIGPIPE: the hang-up is noticed on the receive side and ends the
 * helper with status 1). A full socket buffer drops the frame: bhyve is not draining, and the
 * guest's TCP recovers as on any lossy link.
 */
public final class SeqpacketLink implements Link {
    /** bhyve's receive buffer and assertion limit. */
    public static final int MAX_FRAME_LENGTH = 2048;
    private static final int ETHERNET_HEADER_LENGTH = 14;

    private final int fd;
    private final int maxFrameLength;
    private boolean peerGone;
    /** Guest records longer than the buffer or {@link #maxFrameLength()}, dropped whole. */
    public long droppedTooLong;
    /** Guest records shorter than an Ethernet header. */
    public long droppedShort;
    /** Frames towards the guest dropped because the socket buffer was full. */
    public long droppedFull;
    /** Frames towards the guest dropped because they exceed {@link #maxFrameLength()}. */
    public long droppedOversize;
    /** Unexpected receive/send errors. */
    public long errors;

    /** @param fd the helper's end of the socketpair (non-blocking or not); the link owns it */
    public SeqpacketLink(int fd) {
        this(fd, MAX_FRAME_LENGTH);
    }

    public SeqpacketLink(int fd, int maxFrameLength) {
        if (maxFrameLength < ETHERNET_HEADER_LENGTH || maxFrameLength > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength must be 14.." + MAX_FRAME_LENGTH + ": " + maxFrameLength);
        }
        this.fd = fd;
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public int pollFd() { return fd; }

    @Override
    public int pollEvents() { return Epoll.EPOLLIN | Epoll.EPOLLRDHUP; }

    /** True once a send failed with EPIPE/ECONNRESET or a receive saw end of file. */
    public boolean peerGone() { return peerGone; }

    @Override
    public int receive(ByteBuffer buf, int offset, int capacity) {
        while (true) {
            int n = Sockets.recv(fd, buf, offset, capacity, Sockets.MSG_DONTWAIT | Sockets.MSG_TRUNC);
            if (n == 0) {
                peerGone = true;
                return CLOSED;
            }
            if (n > 0) {
                if (n > capacity || n > maxFrameLength) {
                    droppedTooLong++;
                    continue;
                }
                if (n < ETHERNET_HEADER_LENGTH) {
                    droppedShort++;
                    continue;
                }
                return n;
            }
            if (n == -Errno.EAGAIN) return NOTHING;
            if (n == -Errno.EINTR) continue;
            // ECONNRESET and the like: the parent is gone; anything else the C helper also
            // treats as fatal (err(1, "recv")).
            errors++;
            peerGone = true;
            return CLOSED;
        }
    }

    @Override
    public boolean send(ByteBuffer buf, int offset, int length) {
        if (length > maxFrameLength) {
            droppedOversize++;
            return false;
        }
        int n = Sockets.send(fd, buf, offset, length, Sockets.MSG_EOR | Sockets.MSG_DONTWAIT | Sockets.MSG_NOSIGNAL);
        if (n == length) return true;
        if (n == -Errno.EAGAIN || n == -Errno.ENOBUFS) {
            droppedFull++;
        } else if (n == -Errno.EPIPE || n == -Errno.ECONNRESET) {
            peerGone = true;
        } else {
            errors++;
        }
        return false;
    }

    @Override
    public int maxFrameLength() { return maxFrameLength; }

    @Override
    public void close() { Sys.close(fd); }

    @Override
    public void counters(java.util.Map<String, Long> out) {
        out.put("seqpacket_dropped_too_long", droppedTooLong);
        out.put("seqpacket_dropped_short", droppedShort);
        out.put("seqpacket_dropped_full", droppedFull);
        out.put("seqpacket_dropped_oversize", droppedOversize);
        out.put("seqpacket_errors", errors);
    }

    @Override
    public String toString() {
        return "seqpacket fd " + fd + " (dropped: too long " + droppedTooLong + ", short " + droppedShort
                + ", full " + droppedFull + ", oversize " + droppedOversize + ", errors " + errors + ")";
    }
}
