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

    /** The descriptor the event loop waits on for readability. */
    int pollFd();

    /**
     * The epoll events to wait for on {@link #pollFd()}. EPOLLIN by default; a socket link adds
     * EPOLLRDHUP so the peer closing its end is noticed at once.
     */
    default int pollEvents() { return dev.jslirp.os.Epoll.EPOLLIN; }

    /**
     * Receives one frame into {@code buf[offset, offset + capacity)}.
     * @return the frame's length, {@link #NOTHING} or {@link #CLOSED}. A frame that does not
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

    @Override
    void close();
}
