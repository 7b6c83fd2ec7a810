package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * Parsed TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018): a reusable holder filled by
 * {@link #parse}. Unknown options are skipped by their length; a malformed list stops
 * parsing and is reported, never thrown.
 */
public final class TcpOptions {
    public static final int KIND_END = 0, KIND_NOP = 1, KIND_MSS = 2, KIND_WINDOW_SCALE = 3,
            KIND_SACK_PERMITTED = 4, KIND_SACK = 5, KIND_TIMESTAMPS = 8;
    /** RFC 7323 §2.3: shifts above 14 are treated as 14. */
    public static final int MAX_WINDOW_SCALE = 14;

    /** MSS option value, or -1 when absent. */
    public int mss;
    /** Window scale shift, or -1 when absent. */
    public int windowScale;
    public boolean sackPermitted;
    public boolean hasTimestamps;
    public int tsVal;
    public int tsEcr;

    /** Parses options of segment {@code seg}; returns false if the list is malformed. */
    public boolean parse(TcpSegment seg) {
        return parse(seg.buffer(), seg.optionsOffset(), seg.optionsLength());
    }

    public boolean parse(ByteBuffer buf, int offset, int length) {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int kind = buf.get(i) & 0xFF;
            if (kind == KIND_END) return true;
            if (kind == KIND_NOP) { i++; continue; }
            if (i + 1 >= end) return false;
            int len = buf.get(i + 1) & 0xFF;
            if (len < 2 || i + len > end) return false;
            switch (kind) {
                case KIND_MSS -> { if (len == 4) mss = Short.toUnsignedInt(buf.getShort(i + 2)); }
                case KIND_WINDOW_SCALE -> { if (len == 3) windowScale = Math.min(buf.get(i + 2) & 0xFF, MAX_WINDOW_SCALE); }
                case KIND_SACK_PERMITTED -> { if (len == 2) sackPermitted = true; }
                case KIND_TIMESTAMPS -> {
                    if (len == 10) {
                        hasTimestamps = true;
                        tsVal = buf.getInt(i + 2);
                        tsEcr = buf.getInt(i + 6);
                    }
                }
                default -> { } // unknown or SACK blocks: skipped by length
            }
            i += len;
        }
        return true;
    }

    /** Writes MSS (4 bytes) at {@code offset}; returns bytes written. */
    public static int emitMss(ByteBuffer buf, int offset, int mss) {
        buf.put(offset, (byte) KIND_MSS);
        buf.put(offset + 1, (byte) 4);
        buf.putShort(offset + 2, (short) mss);
        return 4;
    }

    /** Writes NOP + window scale (4 bytes, keeps alignment); returns bytes written. */
    public static int emitWindowScale(ByteBuffer buf, int offset, int shift) {
        buf.put(offset, (byte) KIND_NOP);
        buf.put(offset + 1, (byte) KIND_WINDOW_SCALE);
        buf.put(offset + 2, (byte) 3);
        buf.put(offset + 3, (byte) shift);
        return 4;
    }

    /** Writes NOP NOP SACK-permitted (4 bytes); returns bytes written. */
    public static int emitSackPermitted(ByteBuffer buf, int offset) {
        buf.put(offset, (byte) KIND_NOP);
        buf.put(offset + 1, (byte) KIND_NOP);
        buf.put(offset + 2, (byte) KIND_SACK_PERMITTED);
        buf.put(offset + 3, (byte) 2);
        return 4;
    }

    /** Writes NOP NOP timestamps (12 bytes); returns bytes written. */
    public static int emitTimestamps(ByteBuffer buf, int offset, int tsVal, int tsEcr) {
        buf.put(offset, (byte) KIND_NOP);
        buf.put(offset + 1, (byte) KIND_NOP);
        buf.put(offset + 2, (byte) KIND_TIMESTAMPS);
        buf.put(offset + 3, (byte) 10);
        buf.putInt(offset + 4, tsVal);
        buf.putInt(offset + 8, tsEcr);
        return 12;
    }

    @Override
    public String toString() {
        return "TcpOptions[mss=" + mss + " wscale=" + windowScale + " sackOk=" + sackPermitted
                + (hasTimestamps ? " ts=" + Integer.toUnsignedString(tsVal) + "/" + Integer.toUnsignedString(tsEcr) : "") + "]";
    }
}
