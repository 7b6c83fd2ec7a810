package dev.jslirp.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A reusable native {@code struct msghdr} with room for a few iovec entries and a
 * control buffer for SCM_RIGHTS, for {@link Sockets#sendmsg} and {@link Sockets#recvmsg}.
 *
 * <p>Usage: {@code clear()}, then {@code iov(...)} once per buffer range (scatter-gather:
 * e.g. a length prefix and a frame in one record), {@code fd(...)} for descriptors to pass,
 * then the call. After recvmsg, {@link #receivedFdCount()}/{@link #receivedFd(int)} give
 * the passed descriptors (received close-on-exec) and {@link #flags()} has MSG_TRUNC /
 * MSG_CTRUNC. Nothing here allocates after construction. Owned by one thread.
 */
public final class MsgHdr {
    private final MemorySegment segment;
    private final int maxIov, maxFds;
    private final long iovOffset, controlOffset, controlCapacity;
    private int iovCount, fdCount, receivedFds;
    private final int[] received;

    public MsgHdr(int maxIov, int maxFds) {
        if (maxIov < 1 || maxIov > 64 || maxFds < 0 || maxFds > 253) {
            throw new IllegalArgumentException("maxIov 1..64, maxFds 0..253");
        }
        this.maxIov = maxIov;
        this.maxFds = maxFds;
        iovOffset = Abi.MSGHDR_LENGTH;
        controlOffset = iovOffset + (long) maxIov * Abi.IOVEC_LENGTH;
        controlCapacity = maxFds == 0 ? 0 : cmsgSpace(maxFds * 4);
        segment = Arena.ofAuto().allocate(controlOffset + controlCapacity, 8);
        received = new int[maxFds];
    }

    /** CMSG_SPACE: header plus data, rounded up to size_t alignment. */
    static long cmsgSpace(int dataLength) {
        return Abi.CMSG_HEADER_LENGTH + align(dataLength);
    }

    private static long align(long n) {
        return (n + Abi.CMSG_ALIGN - 1) & -Abi.CMSG_ALIGN;
    }

    public MsgHdr clear() {
        iovCount = 0;
        fdCount = 0;
        receivedFds = 0;
        return this;
    }

    /** Adds {@code length} bytes at a raw native address. */
    public MsgHdr iov(long address, int length) {
        if (iovCount == maxIov) throw new IllegalStateException("more than " + maxIov + " iovecs");
        long at = iovOffset + (long) iovCount * Abi.IOVEC_LENGTH;
        segment.set(Native.LONG, at, address);
        segment.set(Native.LONG, at + 8, length);
        iovCount++;
        return this;
    }

    /** Adds {@code buf[offset, offset+length)} of a direct buffer. */
    public MsgHdr iov(ByteBuffer buf, int offset, int length) {
        return iov(Native.address(Native.scratch(), buf, offset, length), length);
    }

    /** Adds a descriptor to pass with SCM_RIGHTS on the next sendmsg. */
    public MsgHdr fd(int fd) {
        if (fdCount == maxFds) throw new IllegalStateException("more than " + maxFds + " fds");
        segment.set(Native.INT, controlOffset + Abi.CMSG_HEADER_LENGTH + 4L * fdCount, fd);
        fdCount++;
        return this;
    }

    public int iovCount() {
        return iovCount;
    }

    /** msg_flags after recvmsg (MSG_TRUNC, MSG_CTRUNC, MSG_EOR). */
    public int flags() {
        return segment.get(Native.INT, Abi.MSG_FLAGS_OFFSET);
    }

    public int receivedFdCount() {
        return receivedFds;
    }

    public int receivedFd(int i) {
        if (i >= receivedFds) throw new IndexOutOfBoundsException(i);
        return received[i];
    }

    /** Fills the msghdr for sendmsg; returns its address. */
    long prepareSend() {
        fillHeader();
        if (fdCount > 0) {
            int dataLength = 4 * fdCount;
            segment.set(Native.LONG, controlOffset + Abi.CMSG_LEN_OFFSET, Abi.CMSG_HEADER_LENGTH + dataLength);
            segment.set(Native.INT, controlOffset + Abi.CMSG_LEVEL_OFFSET, Abi.SOL_SOCKET);
            segment.set(Native.INT, controlOffset + Abi.CMSG_TYPE_OFFSET, Abi.SCM_RIGHTS);
            segment.set(Native.LONG, Abi.MSG_CONTROL_OFFSET, segment.address() + controlOffset);
            segment.set(Native.LONG, Abi.MSG_CONTROLLEN_OFFSET, cmsgSpace(dataLength));
        }
        return segment.address();
    }

    /** Fills the msghdr for recvmsg; returns its address. */
    long prepareReceive() {
        fillHeader();
        receivedFds = 0;
        if (controlCapacity > 0) {
            segment.set(Native.LONG, Abi.MSG_CONTROL_OFFSET, segment.address() + controlOffset);
            segment.set(Native.LONG, Abi.MSG_CONTROLLEN_OFFSET, controlCapacity);
        }
        return segment.address();
    }

    private void fillHeader() {
        segment.set(Native.LONG, Abi.MSG_NAME_OFFSET, 0L);
        segment.set(Native.INT, Abi.MSG_NAMELEN_OFFSET, 0);
        segment.set(Native.LONG, Abi.MSG_IOV_OFFSET, segment.address() + iovOffset);
        segment.set(Native.LONG, Abi.MSG_IOVLEN_OFFSET, iovCount);
        segment.set(Native.LONG, Abi.MSG_CONTROL_OFFSET, 0L);
        segment.set(Native.LONG, Abi.MSG_CONTROLLEN_OFFSET, 0L);
        segment.set(Native.INT, Abi.MSG_FLAGS_OFFSET, 0);
    }

    /** After recvmsg: walk the control messages and collect SCM_RIGHTS descriptors. */
    void afterReceive() {
        long length = Math.min(segment.get(Native.LONG, Abi.MSG_CONTROLLEN_OFFSET), controlCapacity);
        long at = 0;
        while (at + Abi.CMSG_HEADER_LENGTH <= length) {
            long cmsgLength = segment.get(Native.LONG, controlOffset + at + Abi.CMSG_LEN_OFFSET);
            if (cmsgLength < Abi.CMSG_HEADER_LENGTH || at + cmsgLength > length) break;
            int level = segment.get(Native.INT, controlOffset + at + Abi.CMSG_LEVEL_OFFSET);
            int type = segment.get(Native.INT, controlOffset + at + Abi.CMSG_TYPE_OFFSET);
            if (level == Abi.SOL_SOCKET && type == Abi.SCM_RIGHTS) {
                int n = (int) ((cmsgLength - Abi.CMSG_HEADER_LENGTH) / 4);
                for (int i = 0; i < n && receivedFds < received.length; i++) {
                    received[receivedFds++] = segment.get(Native.INT,
                            controlOffset + at + Abi.CMSG_HEADER_LENGTH + 4L * i);
                }
            }
            at += align(cmsgLength);
        }
    }
}
