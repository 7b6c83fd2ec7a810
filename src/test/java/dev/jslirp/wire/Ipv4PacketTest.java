package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class Ipv4PacketTest {
    static final int IP_A = Ipv4Address.parse("10.9.0.1");
    static final int IP_B = Ipv4Address.parse("10.9.0.2");

    @Test
    void echoRequestHeaderDecodes() {
        Ipv4Packet ip = Decoded.of("icmp_echo_request").ip;
        assertEquals(4, ip.version());
        assertEquals(20, ip.headerLength());
        assertEquals(84, ip.totalLength());
        assertEquals(64, ip.payloadLength());
        assertEquals(0xd994, ip.ident());
        assertTrue(ip.dontFragment());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(Ipv4Packet.PROTOCOL_ICMP, ip.protocol());
        assertEquals(0x4d00, ip.checksum());
        assertEquals(IP_A, ip.src());
        assertEquals(IP_B, ip.dst());
        assertTrue(ip.verifyChecksum());
        assertEquals("IP 10.9.0.1 > 10.9.0.2 proto 1 len 84 id 55700 ttl 64", ip.toString());
        assertEquals(new Ipv4Repr(IP_A, IP_B, 1, 64, 0, 0xd994, true, false, 0, 64), Ipv4Repr.parse(ip));
    }

    @Test
    void recordRouteOptionMakesIhl15() {
        Ipv4Packet ip = Decoded.of("ipv4_record_route").ip;
        assertEquals(60, ip.headerLength());
        assertEquals(94, ip.totalLength());
        assertEquals(34, ip.payloadLength());
        assertEquals(14 + 60, ip.payloadOffset());
        assertTrue(ip.verifyChecksum());
        ByteBuffer b = ip.buffer();
        // NOP, then RR (type 7) of length 39 with pointer 8: the kernel recorded 10.9.0.1 in slot 1.
        assertEquals(1, b.get(14 + 20));
        assertEquals(7, b.get(14 + 21));
        assertEquals(39, b.get(14 + 22));
        assertEquals(8, b.get(14 + 23));
        assertEquals(IP_A, b.getInt(14 + 24));
        Ipv4Repr repr = Ipv4Repr.parse(ip);
        assertEquals(34, repr.payloadLength());
        Icmpv4Packet icmp = new Icmpv4Packet().wrap(b, ip.payloadOffset(), ip.payloadLength());
        assertTrue(icmp.checkLength());
        assertTrue(icmp.verifyChecksum());
        assertEquals(0x1234, icmp.ident());
        assertEquals(1, icmp.sequence());
    }

    @Test
    void fragmentsDecode() {
        Ipv4Packet f1 = Decoded.of("ipv4_fragment_1").ip, f2 = Decoded.of("ipv4_fragment_2").ip,
                f3 = Decoded.of("ipv4_fragment_3").ip;
        for (Ipv4Packet f : new Ipv4Packet[] {f1, f2, f3}) {
            assertEquals(0xd9aa, f.ident());
            assertFalse(f.dontFragment());
            assertTrue(f.isFragment());
            assertTrue(f.verifyChecksum());
        }
        assertTrue(f1.moreFragments());
        assertEquals(0, f1.fragmentOffset());
        assertEquals(1480, f1.payloadLength());
        assertTrue(f2.moreFragments());
        assertEquals(1480, f2.fragmentOffset());
        assertFalse(f3.moreFragments());
        assertEquals(2960, f3.fragmentOffset());
        assertEquals(48, f3.payloadLength());
        assertEquals("IP 10.9.0.1 > 10.9.0.2 proto 1 len 1500 id 55722 frag@1480+ ttl 64", f2.toString());
        assertEquals(new Ipv4Repr(IP_A, IP_B, 1, 48, 0, 0xd9aa, false, false, 2960, 64), Ipv4Repr.parse(f3));
    }

    @Test
    void icmpErrorCarriesTos() {
        Ipv4Packet ip = Decoded.of("icmp_port_unreachable").ip;
        assertEquals(0xc0, ip.tos()); // Linux sends ICMP errors as IPTOS_PREC_INTERNETCONTROL
        assertFalse(ip.dontFragment());
        assertEquals(IP_B, ip.src());
    }

    @Test
    void staticEmitReproducesHeaderOfUnfragmentedDfPackets() {
        for (String name : new String[] {"icmp_echo_request", "udp_datagram", "tcp_syn", "tcp_syn_ack", "tcp_data", "tcp_rst"}) {
            Ipv4Packet ip = Decoded.of(name).ip;
            ByteBuffer built = HexFixtures.filledA5(14 + 20);
            Ipv4Packet.emit(built, 14, ip.src(), ip.dst(), ip.protocol(), ip.payloadLength(), ip.ident(), ip.ttl());
            assertArrayEquals(HexFixtures.toArray(ip.buffer(), 14, 20), HexFixtures.toArray(built, 14, 20), name);
            assertEquals((byte) 0xA5, built.get(13));
        }
    }

    @Test
    void reprEmitReproducesEveryHeaderWithoutOptions() {
        for (String name : HexFixtures.ALL) {
            Decoded d = Decoded.of(name);
            if (d.eth.etherType() != EthernetFrame.ETHERTYPE_IPV4 || d.ip.headerLength() != 20) continue;
            Ipv4Repr repr = Ipv4Repr.parse(d.ip);
            assertNotNull(repr, name);
            ByteBuffer built = HexFixtures.filledA5(14 + 21);
            assertEquals(20, repr.emit(built, 14));
            assertArrayEquals(HexFixtures.toArray(d.buf, 14, 20), HexFixtures.toArray(built, 14, 20), name);
            assertEquals((byte) 0xA5, built.get(14 + 20));
        }
    }

    @Test
    void totalLengthBeyondAvailableIsRejected() {
        Decoded d = Decoded.of("icmp_echo_request");
        d.buf.putShort(14 + 2, (short) 85);
        assertFalse(d.ip.wrap(d.buf, 14, 84).checkLength());
        assertNull(Ipv4Repr.parse(d.ip));
        assertEquals("IPv4[truncated]", d.ip.toString());
    }

    @Test
    void totalLengthBelowHeaderLengthIsRejected() {
        Decoded d = Decoded.of("ipv4_record_route");
        d.buf.putShort(14 + 2, (short) 59);
        assertFalse(d.ip.checkLength());
    }

    @Test
    void ihlBelowFiveIsRejected() {
        for (int ihl = 0; ihl < 5; ihl++) {
            Decoded d = Decoded.of("icmp_echo_request");
            d.buf.put(14, (byte) (0x40 | ihl));
            assertFalse(d.ip.checkLength(), "IHL " + ihl);
        }
    }

    @Test
    void ihlBeyondTotalLengthIsRejected() {
        Decoded d = Decoded.of("tcp_rst"); // total length 40
        d.buf.put(14, (byte) 0x4b);        // 44-byte header
        assertFalse(d.ip.checkLength());
    }

    @Test
    void versionOtherThanFourIsRejected() {
        Decoded d = Decoded.of("icmp_echo_request");
        d.buf.put(14, (byte) 0x65);
        assertFalse(d.ip.checkLength());
    }

    @Test
    void trailingEthernetPaddingIsIgnored() {
        byte[] frame = HexFixtures.bytes("tcp_rst"); // 54 bytes: a real NIC pads it to 60
        ByteBuffer padded = HexFixtures.toDirect(java.util.Arrays.copyOf(frame, 60));
        Ipv4Packet ip = new Ipv4Packet().wrap(padded, 14, 46);
        assertTrue(ip.checkLength());
        assertEquals(20, ip.payloadLength());
        assertNotNull(Ipv4Repr.parse(ip));
    }

    @Test
    void badHeaderChecksumIsNotParsed() {
        Decoded d = Decoded.of("tcp_syn");
        d.buf.put(14 + 8, (byte) 63); // TTL changed without fixing the checksum
        assertTrue(d.ip.checkLength());
        assertFalse(d.ip.verifyChecksum());
        assertNull(Ipv4Repr.parse(d.ip));
    }
}
