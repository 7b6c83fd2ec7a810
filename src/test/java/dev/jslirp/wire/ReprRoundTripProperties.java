package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import net.jqwik.api.*;

/** {@code parse(emit(r)).equals(r)} for every valid Repr. */
class ReprRoundTripProperties {

    @Provide
    Arbitrary<Ipv4Repr> ipv4Reprs() {
        Arbitrary<Integer> u8 = Arbitraries.integers().between(0, 255);
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 65535);
        Arbitrary<Integer> addr = Arbitraries.integers();
        return Combinators.combine(addr, addr, u8, Arbitraries.integers().between(0, 65515), u8, u16,
                        Arbitraries.of(0, 1, 2, 3), Arbitraries.integers().between(0, 8191))
                .as((src, dst, proto, len, tos, id, flags, frag) ->
                        new Ipv4Repr(src, dst, proto, len, tos, id, (flags & 2) != 0, (flags & 1) != 0, frag * 8, tos ^ 0x5A));
    }

    @Property
    void ipv4(@ForAll("ipv4Reprs") Ipv4Repr r) {
        ByteBuffer b = HexFixtures.filledA5(20); // the packet claims more than is there: view over its header
        assertEquals(20, r.emit(b, 0));
        ByteBuffer whole = ByteBuffer.allocate(r.totalLength());
        whole.put(0, b, 0, 20);
        assertEquals(r, Ipv4Repr.parse(new Ipv4Packet().wrap(whole, 0, r.totalLength())));
    }

    @Provide
    Arbitrary<TcpRepr> tcpReprs() {
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 65535);
        Arbitrary<Integer> any = Arbitraries.integers();
        Arbitrary<TcpRepr> base = Combinators.combine(u16, u16, any, any, Arbitraries.integers().between(0, 255), u16)
                .as(TcpRepr::of);
        return Combinators.combine(base, Arbitraries.integers().between(-1, 65535), Arbitraries.integers().between(-1, 14),
                        Arbitraries.of(true, false), Arbitraries.of(true, false), any, any)
                .as((t, mss, ws, sack, ts, val, ecr) -> new TcpRepr(t.srcPort(), t.dstPort(), t.seq(), t.ack(), t.flags(),
                        t.window(), mss, ws, sack, ts, val, ecr));
    }

    @Property
    void tcp(@ForAll("tcpReprs") TcpRepr r, @ForAll byte[] payload) {
        int src = 0x0A00020F, dst = 0x0A000202;
        ByteBuffer b = HexFixtures.filledA5(r.headerLength() + payload.length);
        b.put(r.headerLength(), payload);
        int length = r.emit(b, 0, payload.length, src, dst);
        assertEquals(b.capacity(), length);
        TcpSegment seg = new TcpSegment().wrap(b, 0, length);
        assertEquals(r, TcpRepr.parse(seg, src, dst));
        assertEquals(payload.length, seg.payloadLength());
    }

    @Property
    void udp(@ForAll int srcPort16, @ForAll int dstPort16, @ForAll byte[] payload, @ForAll int src, @ForAll int dst) {
        UdpRepr r = new UdpRepr(srcPort16 & 0xFFFF, dstPort16 & 0xFFFF);
        ByteBuffer b = HexFixtures.filledA5(8 + payload.length);
        b.put(8, payload);
        assertEquals(8 + payload.length, r.emit(b, 0, payload.length, src, dst));
        UdpDatagram udp = new UdpDatagram().wrap(b, 0, b.capacity());
        assertNotEquals(0, udp.checksum()); // a computed 0 goes out as 0xFFFF
        assertEquals(r, UdpRepr.parse(udp, src, dst));
    }

    @Property
    void arp(@ForAll int oper16, @ForAll long sha, @ForAll int spa, @ForAll long tha, @ForAll int tpa) {
        ArpRepr r = new ArpRepr(oper16 & 0xFFFF, sha & MacAddress.BROADCAST, spa, tha & MacAddress.BROADCAST, tpa);
        ByteBuffer b = HexFixtures.filledA5(ArpPacket.LENGTH);
        assertEquals(ArpPacket.LENGTH, r.emit(b, 0));
        assertEquals(r, ArpRepr.parse(new ArpPacket().wrap(b, 0, ArpPacket.LENGTH)));
    }
}
