package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * IPv4 header view (RFC 791).
 * <pre>
 *  0       4       8              16      19             31
 * |version|  IHL  |   DSCP/ECN    |        total length     |
 * |        identification         |flags|  fragment offset  |
 * |  TTL          |   protocol    |      header checksum    |
 * |                       source address                    |
 * |                     destination address                 |
 * |                  options (IHL > 5) ...                  |
 * </pre>
 * {@link #checkLength} validates version, IHL and total length against the bytes
 * available; afterwards {@link #payloadOffset()}/{@link #payloadLength()} are safe.
 * Trailing Ethernet padding beyond the total length is ignored.
 */
public final class Ipv4Packet {
    public static final int VERSION_IHL_OFFSET = 0, TOS_OFFSET = 1, TOTAL_LENGTH_OFFSET = 2, IDENT_OFFSET = 4,
            FLAGS_FRAGMENT_OFFSET = 6, TTL_OFFSET = 8, PROTOCOL_OFFSET = 9, CHECKSUM_OFFSET = 10,
            SRC_OFFSET = 12, DST_OFFSET = 16, HEADER_LENGTH = 20;
    public static final int PROTOCOL_ICMP = 1, PROTOCOL_TCP = 6, PROTOCOL_UDP = 17;
    public static final int FLAG_DF = 0x4000, FLAG_MF = 0x2000, FRAGMENT_OFFSET_MASK = 0x1FFF;
    public static final int MAX_LENGTH = 65535;

    private ByteBuffer buf;
    private int offset;
    private int available;

    public Ipv4Packet wrap(ByteBuffer buf, int offset, int available) {
        this.buf = buf;
        this.offset = offset;
        this.available = available;
        return this;
    }

    /** After this returns true, header, options and payload accessors stay inside the packet. */
    public boolean checkLength() {
        if (available < HEADER_LENGTH) return false;
        int vihl = buf.get(offset) & 0xFF;
        if ((vihl >>> 4) != 4) return false;
        int headerLength = (vihl & 0xF) * 4;
        if (headerLength < HEADER_LENGTH) return false;
        int total = totalLength();
        return total >= headerLength && total <= available;
    }

    /** True when the header checksum is correct (call after {@link #checkLength}). */
    public boolean verifyChecksum() { return Checksum.compute(buf, offset, headerLength()) == 0; }

    public ByteBuffer buffer() { return buf; }
    public int offset() { return offset; }
    public int version() { return (buf.get(offset) & 0xFF) >>> 4; }
    public int headerLength() { return (buf.get(offset) & 0xF) * 4; }
    public int tos() { return buf.get(offset + TOS_OFFSET) & 0xFF; }
    public int totalLength() { return Short.toUnsignedInt(buf.getShort(offset + TOTAL_LENGTH_OFFSET)); }
    public int ident() { return Short.toUnsignedInt(buf.getShort(offset + IDENT_OFFSET)); }
    public boolean dontFragment() { return (buf.getShort(offset + FLAGS_FRAGMENT_OFFSET) & FLAG_DF) != 0; }
    public boolean moreFragments() { return (buf.getShort(offset + FLAGS_FRAGMENT_OFFSET) & FLAG_MF) != 0; }
    /** Fragment offset in bytes. */
    public int fragmentOffset() { return (buf.getShort(offset + FLAGS_FRAGMENT_OFFSET) & FRAGMENT_OFFSET_MASK) * 8; }
    public boolean isFragment() { return moreFragments() || fragmentOffset() != 0; }
    public int ttl() { return buf.get(offset + TTL_OFFSET) & 0xFF; }
    public int protocol() { return buf.get(offset + PROTOCOL_OFFSET) & 0xFF; }
    public int checksum() { return Short.toUnsignedInt(buf.getShort(offset + CHECKSUM_OFFSET)); }
    public int src() { return buf.getInt(offset + SRC_OFFSET); }
    public int dst() { return buf.getInt(offset + DST_OFFSET); }
    public int payloadOffset() { return offset + headerLength(); }
    public int payloadLength() { return totalLength() - headerLength(); }

    /** Pseudo-header sum for the upper-layer checksum of this packet. */
    public int pseudoHeaderSum() { return Checksum.pseudoHeaderV4(src(), dst(), protocol(), payloadLength()); }

    /**
     * Writes a 20-byte header (no options) with a correct checksum.
     * @param payloadLength bytes after the header
     */
    public static void emit(ByteBuffer buf, int offset, int src, int dst, int protocol, int payloadLength, int ident, int ttl) {
        buf.put(offset, (byte) 0x45);
        buf.put(offset + TOS_OFFSET, (byte) 0);
        buf.putShort(offset + TOTAL_LENGTH_OFFSET, (short) (HEADER_LENGTH + payloadLength));
        buf.putShort(offset + IDENT_OFFSET, (short) ident);
        buf.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short) FLAG_DF);
        buf.put(offset + TTL_OFFSET, (byte) ttl);
        buf.put(offset + PROTOCOL_OFFSET, (byte) protocol);
        buf.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        buf.putInt(offset + SRC_OFFSET, src);
        buf.putInt(offset + DST_OFFSET, dst);
        buf.putShort(offset + CHECKSUM_OFFSET, (short) Checksum.compute(buf, offset, HEADER_LENGTH));
    }

    @Override
    public String toString() {
        if (buf == null || !checkLength()) return "IPv4[truncated]";
        return "IP " + Ipv4Address.toString(src()) + " > " + Ipv4Address.toString(dst()) + " proto " + protocol()
                + " len " + totalLength() + " id " + ident() + (isFragment() ? " frag@" + fragmentOffset() + (moreFragments() ? "+" : "") : "")
                + " ttl " + ttl();
    }
}
