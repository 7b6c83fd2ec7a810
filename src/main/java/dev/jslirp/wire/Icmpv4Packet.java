package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * ICMPv4 (RFC 792).
 * <pre>
 * | type 1 | code 1 | checksum 2 | rest of header 4 (echo: identifier 2, sequence 2) | data ...
 * </pre>
 */
public final class Icmpv4Packet {
    public static final int TYPE_OFFSET = 0, CODE_OFFSET = 1, CHECKSUM_OFFSET = 2, IDENT_OFFSET = 4,
            SEQUENCE_OFFSET = 6, HEADER_LENGTH = 8;
    public static final int TYPE_ECHO_REPLY = 0, TYPE_DEST_UNREACHABLE = 3, TYPE_ECHO_REQUEST = 8,
            TYPE_TIME_EXCEEDED = 11;
    public static final int CODE_NET_UNREACHABLE = 0, CODE_HOST_UNREACHABLE = 1, CODE_PROTOCOL_UNREACHABLE = 2,
            CODE_PORT_UNREACHABLE = 3, CODE_FRAGMENTATION_NEEDED = 4, CODE_ADMIN_PROHIBITED = 13;

    private ByteBuffer buf;
    private int offset;
    private int available;

    public Icmpv4Packet wrap(ByteBuffer buf, int offset, int available) {
        this.buf = buf;
        this.offset = offset;
        this.available = available;
        return this;
    }

    public boolean checkLength() { return available >= HEADER_LENGTH; }

    public boolean verifyChecksum() { return Checksum.compute(buf, offset, available) == 0; }

    public int type() { return buf.get(offset + TYPE_OFFSET) & 0xFF; }
    public int code() { return buf.get(offset + CODE_OFFSET) & 0xFF; }
    public int ident() { return Short.toUnsignedInt(buf.getShort(offset + IDENT_OFFSET)); }
    public int sequence() { return Short.toUnsignedInt(buf.getShort(offset + SEQUENCE_OFFSET)); }
    public int length() { return available; }
    public int dataOffset() { return offset + HEADER_LENGTH; }
    public int dataLength() { return available - HEADER_LENGTH; }

    public Icmpv4Packet type(int t) { buf.put(offset + TYPE_OFFSET, (byte) t); return this; }
    public Icmpv4Packet ident(int id) { buf.putShort(offset + IDENT_OFFSET, (short) id); return this; }

    /** Recomputes the checksum over the whole message ({@code available} bytes). */
    public void fillChecksum() {
        buf.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        buf.putShort(offset + CHECKSUM_OFFSET, (short) Checksum.compute(buf, offset, available));
    }

    /** Writes type, code and the 4-byte rest-of-header; the caller fills data and then the checksum. */
    public static void emitHeader(ByteBuffer buf, int offset, int type, int code, int restOfHeader) {
        buf.put(offset + TYPE_OFFSET, (byte) type);
        buf.put(offset + CODE_OFFSET, (byte) code);
        buf.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        buf.putInt(offset + IDENT_OFFSET, restOfHeader);
    }

    @Override
    public String toString() {
        if (buf == null || !checkLength()) return "ICMP[truncated]";
        return "ICMP type " + type() + " code " + code() + " id " + ident() + " seq " + sequence() + " len " + available;
    }
}
