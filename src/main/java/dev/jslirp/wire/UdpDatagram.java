package dev.jslirp.wire;

import java.nio.ByteBuffer;

/** UDP header (RFC 768). |src port|dst port|length|checksum|, 2 bytes each. */
public final class UdpDatagram {
    public static final int SRC_PORT_OFFSET = 0, DST_PORT_OFFSET = 2, LENGTH_OFFSET = 4, CHECKSUM_OFFSET = 6,
            HEADER_LENGTH = 8;

    private ByteBuffer buf;
    private int offset;
    private int available;

    public UdpDatagram wrap(ByteBuffer buf, int offset, int available) {
        this.buf = buf;
        this.offset = offset;
        this.available = available;
        return this;
    }

    /** After this returns true, every accessor stays inside the datagram. */
    public boolean checkLength() {
        if (available < HEADER_LENGTH) return false;
        int length = length();
        return length >= HEADER_LENGTH && length <= available;
    }

    /**
     * Checksum 0 means "not computed" over IPv4 (RFC 768) and is accepted. The pseudo-header
     * must carry the UDP length, which may be less than the IP payload length (Linux accepts
     * and trims such datagrams): prefer {@link #verifyChecksum(int, int)}.
     */
    public boolean verifyChecksum(int pseudoHeaderSum) {
        if (checksum() == 0) return true;
        return Checksum.fold(Checksum.add(pseudoHeaderSum, buf, offset, length())) == 0;
    }

    /** As {@link #verifyChecksum(int)}, with the pseudo-header built from this datagram's own length. */
    public boolean verifyChecksum(int srcAddr, int dstAddr) {
        return verifyChecksum(Checksum.pseudoHeaderV4(srcAddr, dstAddr, Ipv4Packet.PROTOCOL_UDP, length()));
    }

    public int srcPort() { return Short.toUnsignedInt(buf.getShort(offset + SRC_PORT_OFFSET)); }
    public int dstPort() { return Short.toUnsignedInt(buf.getShort(offset + DST_PORT_OFFSET)); }
    public int length() { return Short.toUnsignedInt(buf.getShort(offset + LENGTH_OFFSET)); }
    public int checksum() { return Short.toUnsignedInt(buf.getShort(offset + CHECKSUM_OFFSET)); }
    public int payloadOffset() { return offset + HEADER_LENGTH; }
    public int payloadLength() { return length() - HEADER_LENGTH; }

    /**
     * Writes the header for {@code payloadLength} bytes already at {@code offset + 8}, and
     * the checksum over the pseudo-header, header and payload.
     */
    public static void emit(ByteBuffer buf, int offset, int srcPort, int dstPort, int payloadLength, int srcAddr, int dstAddr) {
        int length = HEADER_LENGTH + payloadLength;
        buf.putShort(offset + SRC_PORT_OFFSET, (short) srcPort);
        buf.putShort(offset + DST_PORT_OFFSET, (short) dstPort);
        buf.putShort(offset + LENGTH_OFFSET, (short) length);
        buf.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        int sum = Checksum.pseudoHeaderV4(srcAddr, dstAddr, Ipv4Packet.PROTOCOL_UDP, length);
        int c = Checksum.fold(Checksum.add(sum, buf, offset, length));
        buf.putShort(offset + CHECKSUM_OFFSET, (short) (c == 0 ? 0xFFFF : c)); // RFC 768: 0 is sent as all ones
    }

    @Override
    public String toString() {
        if (buf == null || !checkLength()) return "UDP[truncated]";
        return "UDP " + srcPort() + " > " + dstPort() + " len " + payloadLength();
    }
}
