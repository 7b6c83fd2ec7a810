package dev.jslirp.tcp;

import dev.jslirp.wire.TcpSegment;

import java.util.Arrays;

/** A segment as the engine handed it to the {@link GuestSegmentSink}. */
record Seg(int seq, int ack, int flags, int window, int mss, int windowScale, boolean sackPermitted, byte[] data) {
    boolean has(int flag) { return (flags & flag) != 0; }

    int length() { return data.length; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Seg s && seq == s.seq && ack == s.ack && flags == s.flags && window == s.window
                && mss == s.mss && windowScale == s.windowScale && sackPermitted == s.sackPermitted
                && Arrays.equals(data, s.data);
    }

    @Override
    public int hashCode() { return seq * 31 + ack; }

    @Override
    public String toString() {
        return "[" + TcpSegment.flagsToString(flags) + "] seq " + Integer.toUnsignedString(seq) + " ack "
                + Integer.toUnsignedString(ack) + " win " + window + " len " + data.length
                + (mss >= 0 ? " mss " + mss : "") + (windowScale >= 0 ? " wscale " + windowScale : "")
                + (sackPermitted ? " sackOK" : "");
    }
}
