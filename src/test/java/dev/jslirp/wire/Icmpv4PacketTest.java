package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class Icmpv4PacketTest {

    @Test
    void echoRequestDecodes() {
        Icmpv4Packet icmp = Decoded.of("icmp_echo_request").icmp;
        assertEquals(Icmpv4Packet.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(8923, icmp.ident());
        assertEquals(0, icmp.sequence());
        assertEquals(64, icmp.length());
        assertEquals(56, icmp.dataLength());
        assertTrue(icmp.verifyChecksum());
        assertEquals("ICMP type 8 code 0 id 8923 seq 0 len 64", icmp.toString());
    }

    @Test
    void echoReplyDecodes() {
        Icmpv4Packet icmp = Decoded.of("icmp_echo_reply").icmp;
        assertEquals(Icmpv4Packet.TYPE_ECHO_REPLY, icmp.type());
        assertEquals(8923, icmp.ident());
        assertTrue(icmp.verifyChecksum());
    }

    @Test
    void portUnreachableQuotesTheOffendingDatagram() {
        Decoded d = Decoded.of("icmp_port_unreachable");
        Icmpv4Packet icmp = d.icmp;
        assertEquals(Icmpv4Packet.TYPE_DEST_UNREACHABLE, icmp.type());
        assertEquals(Icmpv4Packet.CODE_PORT_UNREACHABLE, icmp.code());
        assertTrue(icmp.verifyChecksum());
        // RFC 792: the data is the original IP header plus (at least) 64 bits of its payload;
        // Linux quotes the whole 41-byte datagram.
        Ipv4Packet quoted = new Ipv4Packet().wrap(d.buf, icmp.dataOffset(), icmp.dataLength());
        assertTrue(quoted.checkLength());
        assertEquals(41, quoted.totalLength());
        UdpDatagram udp = new UdpDatagram().wrap(d.buf, quoted.payloadOffset(), quoted.payloadLength());
        assertTrue(udp.checkLength());
        assertEquals(5001, udp.dstPort());
        assertEquals(44657, udp.srcPort());
        assertTrue(udp.verifyChecksum(quoted.pseudoHeaderSum()));
    }

    @Test
    void emitReproducesEchoMessages() {
        for (String name : new String[] {"icmp_echo_request", "icmp_echo_reply", "icmp_port_unreachable"}) {
            Decoded d = Decoded.of(name);
            Icmpv4Packet icmp = d.icmp;
            int rest = d.buf.getInt(icmp.dataOffset() - 4);
            ByteBuffer built = HexFixtures.filledA5(d.length());
            built.put(icmp.dataOffset(), d.buf, icmp.dataOffset(), icmp.dataLength());
            int at = icmp.dataOffset() - Icmpv4Packet.HEADER_LENGTH;
            Icmpv4Packet.emitHeader(built, at, icmp.type(), icmp.code(), rest);
            new Icmpv4Packet().wrap(built, at, icmp.length()).fillChecksum();
            assertArrayEquals(HexFixtures.toArray(d.buf, at, icmp.length()), HexFixtures.toArray(built, at, icmp.length()), name);
        }
    }

    @Test
    void shorterThanHeaderIsRejected() {
        ByteBuffer b = HexFixtures.direct("icmp_echo_request");
        for (int n = 0; n < 8; n++) {
            Icmpv4Packet icmp = new Icmpv4Packet().wrap(b, 34, n);
            assertFalse(icmp.checkLength());
            assertEquals("ICMP[truncated]", icmp.toString());
        }
    }
}
