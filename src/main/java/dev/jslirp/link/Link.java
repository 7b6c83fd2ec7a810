package dev.jslirp.link;

import java.nio.ByteBuffer;

/**
 * The guest's side of the virtual wire: something that carries whole Ethernet frames
 * (a tap device, bhyve's SEQPACKET socket, QEMU's stream or datagram socket).
 *
 * <p>Buffers belong to the caller and must be direct ByteBuffers; a link reads or writes
 * only the range it is given and never keeps a reference after the call returns.
 * Links are non-blocking and used from the event loop's thread only.
 */
public interface Link extends AutoCloseable {
    /** Result of {@link #receive} when no frame is ready. */
    int NOTHING = 0;
    /** Result of {@link #receive} when the peer is gone for good (hang-up, end of file). */
    int CLOSED = -1;
    /**
     * Result of {@link #receive} when the guest went away but the link lives on (a listening
     * socket waits for the next VM): what the stack knows about the guest is stale.
     */
    int DISCONNECTED = -2;

    /** The descriptor the event loop waits on for readability. */
    int pollFd();

    /**
     * The epoll events to wait for on {@link #pollFd()}. EPOLLIN by default; a socket link adds
     * EPOLLRDHUP so the peer closing its end is noticed at once.
     */
    default int pollEvents() { return dev.jslirp.os.Epoll.EPOLLIN; }

    /**
     * Receives one frame into {@code buf[offset, offset + capacity)}.
     * @return the frame's length, {@link #NOTHING}, {@link #CLOSED} or {@link #DISCONNECTED}. A frame that does not
     *     fit or is shorter than an Ethernet header is dropped and counted by the link, and
     *     the next one is tried.
     */
    int receive(ByteBuffer buf, int offset, int capacity);

    /**
     * Sends one frame. Never blocks.
     * @return true if the OS took it; false if it was dropped (link full, frame too long).
     */
    boolean send(ByteBuffer buf, int offset, int length);

    /** Largest Ethernet frame (header included, no FCS) this link carries each way. */
    int maxFrameLength();

    /** {@link #offloads()} bit: the link takes frames whose TCP checksum holds only the pseudo-header sum. */
    int OFFLOAD_CHECKSUM = 1;
    /** {@link #offloads()} bit: the link takes TCP segments larger than the MTU and splits them (TSO). */
    int OFFLOAD_TSO4 = 2;

    /**
     * {@link #offloads()} bit: {@link #sendOffloadedGather} sends the headers from a buffer and
     * the payload from native memory as one frame, so the payload is never copied.
     */
    int OFFLOAD_GATHER = 4;

    /** Offloads {@link #sendOffloaded} supports; 0 for links without a virtio-net header. */
    default int offloads() { return 0; }

    /**
     * Largest frame {@link #receive} may return: more than {@link #maxFrameLength()} when the
     * guest hands over TSO segments.
     */
    default int maxReceiveLength() { return maxFrameLength(); }

    /**
     * After {@link #receive}: true when the frame's transport checksum must not be verified,
     * because the guest kernel left it for the device to complete (virtio NEEDS_CSUM) or
     * declared it valid. Only links that carry a virtio-net header can say so.
     */
    default boolean receivedChecksumTrusted() { return false; }

    /**
     * Sends a frame whose TCP checksum field holds the pseudo-header sum, to be completed
     * from {@code checksumStart} (virtio NEEDS_CSUM), optionally as a TSO segment.
     * @param gsoSize 0 for one segment, else the MSS the payload is split into
     * @param headerLength Ethernet + IP + TCP header bytes (for TSO)
     */
    default boolean sendOffloaded(ByteBuffer buf, int offset, int length, int gsoSize, int headerLength,
                                  int checksumStart, int checksumOffset) {
        throw new UnsupportedOperationException("this link has no offloads");
    }

    /**
     * As {@link #sendOffloaded}, for a frame made of {@code buf[offset, offset + headerLength)}
     * (Ethernet, IP and TCP headers) followed by {@code payloadLength} bytes at native address
     * {@code payloadAddress}. Only links with {@link #OFFLOAD_GATHER}.
     */
    default boolean sendOffloadedGather(ByteBuffer buf, int offset, int headerLength, long payloadAddress,
                                        int payloadLength, int gsoSize, int checksumStart, int checksumOffset) {
        throw new UnsupportedOperationException("this link does not gather");
    }

    /**
     * Adds this link's own counters, the drops and events of the transport the stack cannot see
     * (a full tap queue, a bad stream prefix...), to {@code out} under snake_case names
     * prefixed with the transport. For {@code get_counters} and metrics; none by default.
     */
    default void counters(java.util.Map<String, Long> out) { }

    @Override
    void close();
}
