package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * Ethernet II frame view (no FCS, no 802.1Q handling beyond reporting the EtherType).
 * <pre>
 *  0                   6                  12       14
 * +-------------------+------------------+--------+-------------
 * | destination MAC   | source MAC       | type   | payload ...
 * +-------------------+------------------+--------+-------------
 * </pre>
 * Absolute get/put only: the buffer's position and limit are never touched.
 */
public final class EthernetFrame {
    public static final int DST_OFFSET = 0, SRC_OFFSET = 6, ETHERTYPE_OFFSET = 12, HEADER_LENGTH = 14;
    public static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_ARP = 0x0806, ETHERTYPE_IPV6 = 0x86DD;

    private ByteBuffer buf;
    private int offset;
    private int available;

    public EthernetFrame wrap(ByteBuffer buf, int offset, int available) {
        this.buf = buf;
        this.offset = offset;
        this.available = available;
        return this;
    }

    /** After this returns true, every accessor stays inside the frame. */
    public boolean checkLength() { return available >= HEADER_LENGTH; }

    public ByteBuffer buffer() { return buf; }
    public int offset() { return offset; }
    public int length() { return available; }
    public int payloadOffset() { return offset + HEADER_LENGTH; }
    public int payloadLength() { return available - HEADER_LENGTH; }

    public long dst() { return MacAddress.read(buf, offset + DST_OFFSET); }
    public long src() { return MacAddress.read(buf, offset + SRC_OFFSET); }
    public int etherType() { return Short.toUnsignedInt(buf.getShort(offset + ETHERTYPE_OFFSET)); }

    public EthernetFrame dst(long mac) { MacAddress.write(buf, offset + DST_OFFSET, mac); return this; }
    public EthernetFrame src(long mac) { MacAddress.write(buf, offset + SRC_OFFSET, mac); return this; }
    public EthernetFrame etherType(int type) { buf.putShort(offset + ETHERTYPE_OFFSET, (short) type); return this; }

    /** Writes the 14-byte header at {@code offset}. */
    public static void emit(ByteBuffer buf, int offset, long dst, long src, int etherType) {
        MacAddress.write(buf, offset + DST_OFFSET, dst);
        MacAddress.write(buf, offset + SRC_OFFSET, src);
        buf.putShort(offset + ETHERTYPE_OFFSET, (short) etherType);
    }

    @Override
    public String toString() {
        if (buf == null || !checkLength()) return "Ethernet[truncated]";
        return "Ethernet " + MacAddress.toString(src()) + " > " + MacAddress.toString(dst())
                + " type 0x" + Integer.toHexString(etherType()) + " len " + available;
    }
}
