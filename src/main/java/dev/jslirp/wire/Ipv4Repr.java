package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * The fields of an IPv4 header that mean something to us, as a value (RFC 791). For
 * control paths, logging and tests; the per-packet path reads {@link Ipv4Packet} directly.
 *
 * <p>Options are not represented: {@link #parse} skips them (their length is in the
 * header), {@link #emit} always writes a 20-byte header, as smoltcp's {@code Ipv4Repr}.
 *
 * @param payloadLength bytes after the header (total length minus header length)
 * @param fragmentOffset in bytes, a multiple of 8
 */
public record Ipv4Repr(int src, int dst, int protocol, int payloadLength, int tos, int ident,
                       boolean dontFragment, boolean moreFragments, int fragmentOffset, int ttl) {

    public Ipv4Repr {
        if ((protocol & ~0xFF) != 0 || (tos & ~0xFF) != 0 || (ident & ~0xFFFF) != 0 || (ttl & ~0xFF) != 0) {
            throw new IllegalArgumentException("field out of range: " + protocol + "/" + tos + "/" + ident + "/" + ttl);
        }
        if (payloadLength < 0 || payloadLength > Ipv4Packet.MAX_LENGTH - Ipv4Packet.HEADER_LENGTH) {
            throw new IllegalArgumentException("payload length " + payloadLength);
        }
        if (fragmentOffset < 0 || (fragmentOffset & 7) != 0 || fragmentOffset > Ipv4Packet.FRAGMENT_OFFSET_MASK * 8) {
            throw new IllegalArgumentException("fragment offset " + fragmentOffset);
        }
    }

    /** An unfragmented packet with DF set, TOS 0: what jslirp sends to the guest. */
    public static Ipv4Repr of(int src, int dst, int protocol, int payloadLength, int ident, int ttl) {
        return new Ipv4Repr(src, dst, protocol, payloadLength, 0, ident, true, false, 0, ttl);
    }

    /**
     * The header of a length-checked packet, or null if it is not one we accept: wrong
     * checksum (RFC 1122 §3.2.1.2: silently discard). The reserved flag bit is ignored.
     */
    public static Ipv4Repr parse(Ipv4Packet packet) {
        if (!packet.checkLength() || !packet.verifyChecksum()) return null;
        return new Ipv4Repr(packet.src(), packet.dst(), packet.protocol(), packet.payloadLength(), packet.tos(),
                packet.ident(), packet.dontFragment(), packet.moreFragments(), packet.fragmentOffset(), packet.ttl());
    }

    public int totalLength() { return Ipv4Packet.HEADER_LENGTH + payloadLength; }

    /** Writes the 20-byte header with its checksum at {@code offset}; returns 20. */
    public int emit(ByteBuffer buf, int offset) {
        int flagsFragment = (dontFragment ? Ipv4Packet.FLAG_DF : 0) | (moreFragments ? Ipv4Packet.FLAG_MF : 0)
                | (fragmentOffset >>> 3);
        buf.put(offset + Ipv4Packet.VERSION_IHL_OFFSET, (byte) 0x45);
        buf.put(offset + Ipv4Packet.TOS_OFFSET, (byte) tos);
        buf.putShort(offset + Ipv4Packet.TOTAL_LENGTH_OFFSET, (short) totalLength());
        buf.putShort(offset + Ipv4Packet.IDENT_OFFSET, (short) ident);
        buf.putShort(offset + Ipv4Packet.FLAGS_FRAGMENT_OFFSET, (short) flagsFragment);
        buf.put(offset + Ipv4Packet.TTL_OFFSET, (byte) ttl);
        buf.put(offset + Ipv4Packet.PROTOCOL_OFFSET, (byte) protocol);
        buf.putShort(offset + Ipv4Packet.CHECKSUM_OFFSET, (short) 0);
        buf.putInt(offset + Ipv4Packet.SRC_OFFSET, src);
        buf.putInt(offset + Ipv4Packet.DST_OFFSET, dst);
        buf.putShort(offset + Ipv4Packet.CHECKSUM_OFFSET,
                (short) Checksum.compute(buf, offset, Ipv4Packet.HEADER_LENGTH));
        return Ipv4Packet.HEADER_LENGTH;
    }

    @Override
    public String toString() {
        return "IP " + Ipv4Address.toString(src) + " > " + Ipv4Address.toString(dst) + " proto " + protocol
                + " len " + payloadLength + " id " + ident + (dontFragment ? " DF" : "")
                + (moreFragments || fragmentOffset != 0 ? " frag@" + fragmentOffset + (moreFragments ? "+" : "") : "")
                + " tos 0x" + Integer.toHexString(tos) + " ttl " + ttl;
    }
}
