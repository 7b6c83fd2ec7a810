package dev.jslirp.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/** Records every segment sent towards the guest, in order, and checks its addressing. */
final class CapturingSink implements GuestSegmentSink {
    final ArrayDeque<Seg> segments = new ArrayDeque<>();
    /** Simulates a full guest link: segments are counted but reported lost. */
    boolean linkFull;

    @Override
    public boolean sendSegment(int guestAddr, int guestPort, int peerAddr, int peerPort, int seq, int ack, int flags,
                               int window, int mss, int windowScale, boolean sackPermitted,
                               ByteBuffer data, int dataOffset, int dataLength) {
        if (guestAddr != TcpHarness.GUEST_ADDR || guestPort != TcpHarness.GUEST_PORT
                || peerAddr != TcpHarness.PEER_ADDR || peerPort != TcpHarness.PEER_PORT) {
            throw new AssertionError("segment addressed to the wrong flow");
        }
        if (window < 0 || window > 0xFFFF) throw new AssertionError("window field out of range: " + window);
        byte[] bytes = new byte[dataLength];
        if (dataLength > 0) data.get(dataOffset, bytes, 0, dataLength);
        if (linkFull) return false;
        segments.add(new Seg(seq, ack, flags, window, mss, windowScale, sackPermitted, bytes));
        return true;
    }
}
