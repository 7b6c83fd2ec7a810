package dev.jslirp.tcp;

import java.nio.ByteBuffer;

/**
 * Where the TCP engine sends segments towards the guest. The interface layer builds the
 * Ethernet and IPv4 headers around the TCP header and payload and computes checksums.
 * {@code data} is copied before the call returns.
 */
public interface GuestSegmentSink {
    /**
     * @param guestAddr the guest's IPv4 address (segment destination)
     * @param guestPort the guest's port
     * @param peerAddr the address the guest believes it talks to (segment source)
     * @param peerPort the port the guest believes it talks to
     * @param flags {@link dev.jslirp.wire.TcpSegment} flag bits
     * @param window the window field as sent (already scaled down)
     * @param mss MSS option value, or -1 for none (SYN only)
     * @param windowScale window-scale option shift, or -1 for none (SYN only)
     * @param sackPermitted whether to send SACK-permitted (SYN only)
     * @return false if the frame could not be sent (guest link full); the engine treats it as lost
     */
    boolean sendSegment(int guestAddr, int guestPort, int peerAddr, int peerPort,
                        int seq, int ack, int flags, int window,
                        int mss, int windowScale, boolean sackPermitted,
                        ByteBuffer data, int dataOffset, int dataLength);

    /**
     * Most payload one segment may carry for a connection whose MSS is {@code mss}: the MSS,
     * or up to 64 KiB when the link splits large segments for the guest (TSO).
     */
    default int maxSegmentPayload(int mss) { return mss; }

    /**
     * As {@link #sendSegment(int, int, int, int, int, int, int, int, int, int, boolean, ByteBuffer, int, int)},
     * for data that may exceed the MSS (only up to {@link #maxSegmentPayload}).
     * @param segmentSize the connection's MSS: the size the link cuts a larger payload into
     * @param dataAddress the native address of {@code data}'s byte 0, or 0 if it has none: a
     *     link that gathers may then send the payload from there without copying it
     */
    default boolean sendSegment(int guestAddr, int guestPort, int peerAddr, int peerPort,
                                int seq, int ack, int flags, int window,
                                int mss, int windowScale, boolean sackPermitted,
                                ByteBuffer data, int dataOffset, int dataLength, int segmentSize, long dataAddress) {
        return sendSegment(guestAddr, guestPort, peerAddr, peerPort, seq, ack, flags, window, mss, windowScale,
                sackPermitted, data, dataOffset, dataLength);
    }
}
