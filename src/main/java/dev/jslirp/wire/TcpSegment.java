package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * TCP header view (RFC 9293 §3.1).
 * <pre>
 * |      source port       |    destination port     |
 * |                 sequence number                  |
 * |              acknowledgment number               |
 * | off 4 | rsv 4 | flags 8 |         window          |
 * |       checksum         |     urgent pointer      |
 * |              options (off > 5) ...               |
 * </pre>
 * The segment's extent ({@code available}) comes from the IP total length; the data
 * offset is checked against it by {@link #checkLength}.
 */
public final class TcpSegment {
    public static final int SRC_PORT_OFFSET = 0, DST_PORT_OFFSET = 2, SEQ_OFFSET = 4, ACK_OFFSET = 8,
            DATA_OFFSET_OFFSET = 12, FLAGS_OFFSET = 13, WINDOW_OFFSET = 14, CHECKSUM_OFFSET = 16,
            URGENT_OFFSET = 18, HEADER_LENGTH = 20, MAX_HEADER_LENGTH = 60;
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;

    private ByteBuffer buf;
    private int offset;
    private int available;

    public TcpSegment wrap(ByteBuffer buf, int offset, int available) {
        this.buf = buf;
        this.offset = offset;
        this.available = available;
        return this;
    }

    /** After this returns true, header, options and payload stay inside the segment. */
    public boolean checkLength() {
        if (available < HEADER_LENGTH) return false;
        int headerLength = headerLength();
        return headerLength >= HEADER_LENGTH && headerLength <= available;
    }

    public boolean verifyChecksum(int pseudoHeaderSum) {
        return Checksum.fold(Checksum.add(pseudoHeaderSum, buf, offset, available)) == 0;
    }

    public ByteBuffer buffer() { return buf; }
    public int offset() { return offset; }
    public int length() { return available; }
    public int srcPort() { return Short.toUnsignedInt(buf.getShort(offset + SRC_PORT_OFFSET)); }
    public int dstPort() { return Short.toUnsignedInt(buf.getShort(offset + DST_PORT_OFFSET)); }
    public int seq() { return buf.getInt(offset + SEQ_OFFSET); }
    public int ackNumber() { return buf.getInt(offset + ACK_OFFSET); }
    public int headerLength() { return ((buf.get(offset + DATA_OFFSET_OFFSET) & 0xFF) >>> 4) * 4; }
    public int flags() { return buf.get(offset + FLAGS_OFFSET) & 0xFF; }
    public boolean fin() { return (flags() & FIN) != 0; }
    public boolean syn() { return (flags() & SYN) != 0; }
    public boolean rst() { return (flags() & RST) != 0; }
    public boolean psh() { return (flags() & PSH) != 0; }
    public boolean ack() { return (flags() & ACK) != 0; }
    public int window() { return Short.toUnsignedInt(buf.getShort(offset + WINDOW_OFFSET)); }
    public int checksum() { return Short.toUnsignedInt(buf.getShort(offset + CHECKSUM_OFFSET)); }
    public int optionsOffset() { return offset + HEADER_LENGTH; }
    public int optionsLength() { return headerLength() - HEADER_LENGTH; }
    public int payloadOffset() { return offset + headerLength(); }
    public int payloadLength() { return available - headerLength(); }
    /** Sequence space the segment occupies: payload plus one each for SYN and FIN (RFC 9293 §3.4). */
    public int segmentLength() { return payloadLength() + (syn() ? 1 : 0) + (fin() ? 1 : 0); }

    /**
     * Writes a header of {@code HEADER_LENGTH + optionsLength} bytes; options (already a
     * multiple of 4) must be written by the caller at {@code offset + 20} before
     * {@link #fillChecksum} is called.
     */
    public static void emitHeader(ByteBuffer buf, int offset, int srcPort, int dstPort, int seq, int ack,
                                  int flags, int window, int optionsLength) {
        buf.putShort(offset + SRC_PORT_OFFSET, (short) srcPort);
        buf.putShort(offset + DST_PORT_OFFSET, (short) dstPort);
        buf.putInt(offset + SEQ_OFFSET, seq);
        buf.putInt(offset + ACK_OFFSET, ack);
        buf.put(offset + DATA_OFFSET_OFFSET, (byte) (((HEADER_LENGTH + optionsLength) / 4) << 4));
        buf.put(offset + FLAGS_OFFSET, (byte) flags);
        buf.putShort(offset + WINDOW_OFFSET, (short) window);
        buf.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        buf.putShort(offset + URGENT_OFFSET, (short) 0);
    }

    /** Computes the checksum of a segment of {@code length} bytes (header + options + payload) at {@code offset}. */
    public static void fillChecksum(ByteBuffer buf, int offset, int length, int srcAddr, int dstAddr) {
        buf.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        int sum = Checksum.pseudoHeaderV4(srcAddr, dstAddr, Ipv4Packet.PROTOCOL_TCP, length);
        buf.putShort(offset + CHECKSUM_OFFSET, (short) Checksum.fold(Checksum.add(sum, buf, offset, length)));
    }

    public static String flagsToString(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & SYN) != 0) sb.append('S');
        if ((flags & FIN) != 0) sb.append('F');
        if ((flags & RST) != 0) sb.append('R');
        if ((flags & PSH) != 0) sb.append('P');
        if ((flags & ACK) != 0) sb.append('.');
        if ((flags & URG) != 0) sb.append('U');
        if ((flags & ECE) != 0) sb.append('E');
        if ((flags & CWR) != 0) sb.append('W');
        return sb.isEmpty() ? "none" : sb.toString();
    }

    @Override
    public String toString() {
        if (buf == null || !checkLength()) return "TCP[truncated]";
        return "TCP " + srcPort() + " > " + dstPort() + " [" + flagsToString(flags()) + "] seq " + Integer.toUnsignedString(seq())
                + " ack " + Integer.toUnsignedString(ackNumber()) + " win " + window() + " len " + payloadLength();
    }
}
