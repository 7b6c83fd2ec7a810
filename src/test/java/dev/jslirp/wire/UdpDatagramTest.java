package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UdpDatagramTest {
    static final int IP_A = Ipv4Address.parse("10.9.0.1");
    static final int IP_B = Ipv4Address.parse("10.9.0.2");

    @Test
    void datagramDecodes() {
        Decoded d = Decoded.of("udp_datagram");
        UdpDatagram udp = d.udp;
        assertEquals(36832, udp.srcPort());
        assertEquals(5000, udp.dstPort());
        assertEquals(18, udp.length());
        assertEquals(10, udp.payloadLength());
        assertEquals(0x1edf, udp.checksum());
        assertTrue(udp.verifyChecksum(d.ip.pseudoHeaderSum()));
        assertEquals("hello-udp\n", StandardCharsets.US_ASCII.decode(d.buf.slice(udp.payloadOffset(), udp.payloadLength())).toString());
        assertEquals(new UdpRepr(36832, 5000), UdpRepr.parse(udp, IP_A, IP_B));
        assertEquals("UDP 36832 > 5000 len 10", udp.toString());
    }

    @Test
    void checksumCoversThePseudoHeader() {
        Decoded d = Decoded.of("udp_datagram");
        assertNull(UdpRepr.parse(d.udp, IP_A, IP_A));
        assertFalse(d.udp.verifyChecksum(Checksum.pseudoHeaderV4(IP_B, IP_A, Ipv4Packet.PROTOCOL_TCP, 18)));
    }

    @Test
    void corruptedPayloadFailsTheChecksum() {
        Decoded d = Decoded.of("udp_datagram");
        d.buf.put(d.udp.payloadOffset(), (byte) 'j');
        assertNull(UdpRepr.parse(d.udp, IP_A, IP_B));
    }

    @Test
    void zeroChecksumMeansNoneWasComputed() {
        Decoded d = Decoded.of("udp_datagram");
        d.buf.putShort(d.udp.payloadOffset() - 2, (short) 0);
        d.buf.put(d.udp.payloadOffset(), (byte) 'j'); // undetectable without a checksum: RFC 768 allows it
        assertTrue(d.udp.verifyChecksum(d.ip.pseudoHeaderSum()));
        assertEquals(new UdpRepr(36832, 5000), UdpRepr.parse(d.udp, IP_A, IP_B));
    }

    @Test
    void computedZeroIsSentAsAllOnes() {
        // Choose the source port so the ones'-complement sum comes out 0xFFFF (checksum 0).
        ByteBuffer b = HexFixtures.filledA5(8 + 2);
        b.putShort(8, (short) 0x1234);
        UdpDatagram.emit(b, 0, 0, 7, 2, IP_A, IP_B);
        int sumWithoutSrcPort = Checksum.fold(Checksum.add(
                Checksum.pseudoHeaderV4(IP_A, IP_B, Ipv4Packet.PROTOCOL_UDP, 10), b, 2, 4) /* dst port, length */
                + 0x1234);
        int srcPort = sumWithoutSrcPort; // adding exactly the complement makes the total 0xFFFF
        UdpDatagram.emit(b, 0, srcPort, 7, 2, IP_A, IP_B);
        UdpDatagram udp = new UdpDatagram().wrap(b, 0, 10);
        assertEquals(0xFFFF, udp.checksum());
        assertTrue(udp.verifyChecksum(Checksum.pseudoHeaderV4(IP_A, IP_B, Ipv4Packet.PROTOCOL_UDP, 10)));
        assertEquals(new UdpRepr(srcPort, 7), UdpRepr.parse(udp, IP_A, IP_B));
    }

    @Test
    void emitReproducesFixtures() {
        for (String name : new String[] {"udp_datagram", "udp_to_closed_port"}) {
            Decoded d = Decoded.of(name);
            ByteBuffer viaStatic = HexFixtures.filledA5(d.length());
            ByteBuffer viaRepr = HexFixtures.filledA5(d.length());
            for (ByteBuffer built : new ByteBuffer[] {viaStatic, viaRepr}) {
                built.put(0, d.buf, 0, d.udp.payloadOffset() - 8); // Ethernet + IP
                built.put(d.udp.payloadOffset(), d.buf, d.udp.payloadOffset(), d.udp.payloadLength());
            }
            int at = d.ip.payloadOffset();
            UdpDatagram.emit(viaStatic, at, d.udp.srcPort(), d.udp.dstPort(), d.udp.payloadLength(), d.ip.src(), d.ip.dst());
            assertEquals(d.buf, viaStatic, name);
            assertEquals(d.udp.length(), UdpRepr.parse(d.udp, d.ip.src(), d.ip.dst())
                    .emit(viaRepr, at, d.udp.payloadLength(), d.ip.src(), d.ip.dst()));
            assertEquals(d.buf, viaRepr, name);
        }
    }

    @Test
    void udpLengthShorterThanIpPayloadIsValid() {
        byte[] f = java.util.Arrays.copyOf(HexFixtures.bytes("udp_datagram"), 14 + 38 + 2);
        ByteBuffer b = HexFixtures.toDirect(f);
        b.putShort(14 + 2, (short) 40).putShort(14 + 10, (short) 0).putShort(14 + 10, (short) Checksum.compute(b, 14, 20));
        Ipv4Packet ip = new Ipv4Packet().wrap(b, 14, 40);
        assertTrue(ip.checkLength() && ip.verifyChecksum());
        UdpDatagram udp = new UdpDatagram().wrap(b, ip.payloadOffset(), ip.payloadLength());
        assertTrue(udp.checkLength());
        assertEquals(10, udp.payloadLength());
        assertTrue(udp.verifyChecksum(IP_A, IP_B));
        assertFalse(udp.verifyChecksum(ip.pseudoHeaderSum())); // the trap: IP payload length is 20, UDP length 18
        assertEquals(new UdpRepr(36832, 5000), UdpRepr.parse(udp, IP_A, IP_B));
    }

    @Test
    void lengthBelowHeaderIsRejected() {
        for (int len = 0; len < 8; len++) {
            Decoded d = Decoded.of("udp_datagram");
            d.buf.putShort(d.ip.payloadOffset() + 4, (short) len);
            assertFalse(d.udp.checkLength(), "length " + len);
            assertNull(UdpRepr.parse(d.udp, IP_A, IP_B));
        }
    }

    @Test
    void lengthBeyondAvailableIsRejected() {
        Decoded d = Decoded.of("udp_datagram");
        d.buf.putShort(d.ip.payloadOffset() + 4, (short) 19);
        assertFalse(d.udp.checkLength());
        d.buf.putShort(d.ip.payloadOffset() + 4, (short) 0xFFFF);
        assertFalse(d.udp.checkLength());
        assertEquals("UDP[truncated]", d.udp.toString());
    }
}
