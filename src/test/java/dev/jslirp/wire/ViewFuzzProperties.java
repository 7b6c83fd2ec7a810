package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Untrusted bytes never make a view throw: checkLength, then (only if it passed) every
 * accessor, toString and the Repr parsers. The buffer ends exactly where the view's bytes
 * end, so any read past {@code available} would throw IndexOutOfBoundsException.
 */
class ViewFuzzProperties {

    static void exerciseAll(ByteBuffer b, int offset, int available) {
        EthernetFrame eth = new EthernetFrame().wrap(b, offset, available);
        if (eth.checkLength()) { eth.src(); eth.dst(); eth.etherType(); eth.payloadLength(); }
        assertNotNull(eth.toString());

        ArpPacket arp = new ArpPacket().wrap(b, offset, available);
        if (arp.checkLength()) { arp.oper(); arp.senderMac(); arp.senderIp(); arp.targetMac(); arp.targetIp(); }
        assertNotNull(arp.toString());
        ArpRepr arpRepr = ArpRepr.parse(arp);
        if (arpRepr != null) assertNotNull(arpRepr.toString());

        Ipv4Packet ip = new Ipv4Packet().wrap(b, offset, available);
        if (ip.checkLength()) {
            ip.verifyChecksum(); ip.tos(); ip.ident(); ip.isFragment(); ip.dontFragment(); ip.ttl(); ip.protocol();
            ip.checksum(); ip.src(); ip.dst(); ip.pseudoHeaderSum();
            assertTrue(ip.payloadOffset() + ip.payloadLength() <= offset + available);
            assertTrue(ip.payloadLength() >= 0);
            Ipv4Repr r = Ipv4Repr.parse(ip);
            if (r != null) assertNotNull(r.toString());
        } else {
            assertNull(Ipv4Repr.parse(ip));
        }
        assertNotNull(ip.toString());

        Icmpv4Packet icmp = new Icmpv4Packet().wrap(b, offset, available);
        if (icmp.checkLength()) { icmp.verifyChecksum(); icmp.type(); icmp.code(); icmp.ident(); icmp.sequence(); icmp.dataLength(); }
        assertNotNull(icmp.toString());

        UdpDatagram udp = new UdpDatagram().wrap(b, offset, available);
        if (udp.checkLength()) {
            udp.verifyChecksum(0); udp.srcPort(); udp.dstPort(); udp.checksum();
            assertTrue(udp.payloadOffset() + udp.payloadLength() <= offset + available);
        }
        assertNotNull(udp.toString());
        UdpRepr udpRepr = UdpRepr.parse(udp, 0x0A000001, 0x0A000002);
        if (udpRepr != null) assertNotNull(udpRepr.toString());

        TcpSegment tcp = new TcpSegment().wrap(b, offset, available);
        if (tcp.checkLength()) {
            tcp.verifyChecksum(0); tcp.srcPort(); tcp.dstPort(); tcp.seq(); tcp.ackNumber(); tcp.flags(); tcp.window();
            tcp.segmentLength();
            assertTrue(tcp.payloadLength() >= 0);
            TcpOptions o = new TcpOptions();
            o.parse(tcp);
            assertTrue(o.windowScale <= TcpOptions.MAX_WINDOW_SCALE);
            assertNotNull(o.toString());
        }
        assertNotNull(tcp.toString());
        TcpRepr tcpRepr = TcpRepr.parse(tcp, 0x0A000001, 0x0A000002);
        if (tcpRepr != null) assertNotNull(tcpRepr.toString());

        Decoded d = new Decoded(b);
        if (offset == 0) d.decode(available);
    }

    @Property(tries = 2000)
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 120) byte[] data, @ForAll @IntRange(max = 120) int at) {
        int offset = Math.min(at, data.length);
        exerciseAll(ByteBuffer.wrap(data), offset, data.length - offset);
    }

    /** Fixtures with a few bytes changed and a random cut: close enough to real packets to get deep. */
    @Provide
    Arbitrary<byte[]> mutatedFixtures() {
        Arbitrary<String> names = Arbitraries.of(HexFixtures.ALL);
        return Combinators.combine(names, Arbitraries.integers().between(0, 1 << 16).list().ofMaxSize(4),
                        Arbitraries.bytes().list().ofSize(4), Arbitraries.integers().between(0, 1600))
                .as((name, positions, values, cut) -> {
                    byte[] f = HexFixtures.bytes(name);
                    for (int i = 0; i < positions.size(); i++) f[positions.get(i) % f.length] = values.get(i);
                    return java.util.Arrays.copyOf(f, Math.min(f.length, cut));
                });
    }

    @Property(tries = 3000)
    void mutatedFixturesNeverThrow(@ForAll("mutatedFixtures") byte[] frame) {
        ByteBuffer b = HexFixtures.toDirect(frame);
        exerciseAll(b, 0, frame.length);
        int l3 = Math.min(14, frame.length);
        exerciseAll(b, l3, frame.length - l3);
        int l4 = Math.min(34, frame.length);
        exerciseAll(b, l4, frame.length - l4);
    }

    @Property(tries = 2000)
    void tcpOptionsParseStaysInsideTheList(@ForAll @Size(max = 40) byte[] options) {
        TcpOptions o = new TcpOptions();
        o.parse(ByteBuffer.wrap(options), 0, options.length); // the array ends where the list does
        assertTrue(o.mss >= -1 && o.mss <= 0xFFFF);
        assertTrue(o.windowScale >= -1 && o.windowScale <= TcpOptions.MAX_WINDOW_SCALE);
    }
}
