package dev.jslirp.tcp;

import dev.jslirp.wire.TcpOptions;
import dev.jslirp.wire.TcpSegment;

import java.nio.ByteBuffer;

/** A segment the test guest sends: a template with {@code with...} changes, emitted as real bytes. */
record GuestSeg(int seq, int ack, int flags, int window, int mss, int windowScale, boolean sackPermitted, byte[] data) {
    static final byte[] NO_DATA = new byte[0];

    static GuestSeg syn(int seq) {
        return new GuestSeg(seq, 0, TcpSegment.SYN, 65535, 1460, 7, true, NO_DATA);
    }

    static GuestSeg ack(int seq, int ack) {
        return new GuestSeg(seq, ack, TcpSegment.ACK, TcpHarness.GUEST_WINDOW_FIELD, -1, -1, false, NO_DATA);
    }

    GuestSeg withFlags(int f) { return new GuestSeg(seq, ack, f, window, mss, windowScale, sackPermitted, data); }

    GuestSeg plus(int f) { return withFlags(flags | f); }

    GuestSeg withWindow(int w) { return new GuestSeg(seq, ack, flags, w, mss, windowScale, sackPermitted, data); }

    GuestSeg withMss(int m) { return new GuestSeg(seq, ack, flags, window, m, windowScale, sackPermitted, data); }

    GuestSeg withWindowScale(int s) { return new GuestSeg(seq, ack, flags, window, mss, s, sackPermitted, data); }

    GuestSeg withSackPermitted(boolean p) { return new GuestSeg(seq, ack, flags, window, mss, windowScale, p, data); }

    GuestSeg withAck(int a) { return new GuestSeg(seq, a, flags, window, mss, windowScale, sackPermitted, data); }

    GuestSeg withSeq(int s) { return new GuestSeg(s, ack, flags, window, mss, windowScale, sackPermitted, data); }

    GuestSeg withData(byte[] d) { return new GuestSeg(seq, ack, flags, window, mss, windowScale, sackPermitted, d); }

    /** Emits header, options and payload at {@code offset}, checksum included; returns the length. */
    int emit(ByteBuffer buf, int offset) {
        int optionsLength = 0;
        int o = offset + TcpSegment.HEADER_LENGTH;
        if (mss >= 0) optionsLength += TcpOptions.emitMss(buf, o + optionsLength, mss);
        if (windowScale >= 0) optionsLength += TcpOptions.emitWindowScale(buf, o + optionsLength, windowScale);
        if (sackPermitted) optionsLength += TcpOptions.emitSackPermitted(buf, o + optionsLength);
        TcpSegment.emitHeader(buf, offset, TcpHarness.GUEST_PORT, TcpHarness.PEER_PORT, seq, ack, flags, window,
                optionsLength);
        int payloadOffset = offset + TcpSegment.HEADER_LENGTH + optionsLength;
        buf.put(payloadOffset, data, 0, data.length);
        int length = TcpSegment.HEADER_LENGTH + optionsLength + data.length;
        TcpSegment.fillChecksum(buf, offset, length, TcpHarness.GUEST_ADDR, TcpHarness.PEER_ADDR);
        return length;
    }
}
