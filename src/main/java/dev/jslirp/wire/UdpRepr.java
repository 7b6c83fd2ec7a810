package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * A UDP header as a value (RFC 768). The payload is not part of the value: {@link #emit}
 * expects it already in place after the 8-byte header, so nothing is copied twice.
 */
public record UdpRepr(int srcPort, int dstPort) {

    public UdpRepr {
        if ((srcPort & ~0xFFFF) != 0 || (dstPort & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("port out of range: " + srcPort + " > " + dstPort);
        }
    }

    /**
     * The header of a datagram carried between {@code srcAddr} and {@code dstAddr}, or null
     * when its length is inconsistent or its checksum wrong. A zero checksum means the
     * sender computed none (RFC 768) and is accepted over IPv4.
     */
    public static UdpRepr parse(UdpDatagram datagram, int srcAddr, int dstAddr) {
        if (!datagram.checkLength()) return null;
        if (!datagram.verifyChecksum(srcAddr, dstAddr)) return null;
        return new UdpRepr(datagram.srcPort(), datagram.dstPort());
    }

    /**
     * Writes the header and its checksum at {@code offset} for {@code payloadLength} bytes
     * already at {@code offset + 8}; returns the datagram length.
     */
    public int emit(ByteBuffer buf, int offset, int payloadLength, int srcAddr, int dstAddr) {
        UdpDatagram.emit(buf, offset, srcPort, dstPort, payloadLength, srcAddr, dstAddr);
        return UdpDatagram.HEADER_LENGTH + payloadLength;
    }

    @Override
    public String toString() { return "UDP " + srcPort + " > " + dstPort; }
}
