package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TcpSegmentTest {
    static final int IP_A = Ipv4Address.parse("10.9.0.1");
    static final int IP_B = Ipv4Address.parse("10.9.0.2");
    static final int ISS_A = (int) 2124166521L, ISS_B = 503931146;

    static TcpRepr repr(String fixture) {
        Decoded d = Decoded.of(fixture);
        return TcpRepr.parse(d.tcp, d.ip.src(), d.ip.dst());
    }

    @Test
    void linuxSynCarriesAllFourOptions() {
        Decoded d = Decoded.of("tcp_syn");
        TcpSegment tcp = d.tcp;
        assertEquals(52710, tcp.srcPort());
        assertEquals(6000, tcp.dstPort());
        assertEquals(ISS_A, tcp.seq());
        assertEquals(0, tcp.ackNumber());
        assertEquals(TcpSegment.SYN, tcp.flags());
        assertTrue(tcp.syn());
        assertFalse(tcp.ack());
        assertEquals(64240, tcp.window());
        assertEquals(40, tcp.headerLength());
        assertEquals(20, tcp.optionsLength());
        assertEquals(0, tcp.payloadLength());
        assertEquals(1, tcp.segmentLength());
        assertEquals(0xdb67, tcp.checksum());
        assertTrue(tcp.verifyChecksum(d.ip.pseudoHeaderSum()));
        TcpOptions o = new TcpOptions();
        assertTrue(o.parse(tcp));
        assertEquals(1460, o.mss);
        assertEquals(10, o.windowScale);
        assertTrue(o.sackPermitted);
        assertTrue(o.hasTimestamps);
        assertEquals((int) 2145010761L, o.tsVal);
        assertEquals(0, o.tsEcr);
        assertEquals(new TcpRepr(52710, 6000, ISS_A, 0, TcpSegment.SYN, 64240, 1460, 10, true, true, (int) 2145010761L, 0),
                TcpRepr.parse(tcp, IP_A, IP_B));
        assertEquals("TCP 52710 > 6000 [S] seq 2124166521 ack 0 win 64240 len 0", tcp.toString());
        assertEquals("TCP 52710 > 6000 [S] seq 2124166521 ack 0 win 64240 [mss 1460,sackOK,TS val 2145010761 ecr 0,wscale 10]",
                repr("tcp_syn").toString());
    }

    @Test
    void synAckAcknowledgesTheSyn() {
        assertEquals(new TcpRepr(6000, 52710, ISS_B, ISS_A + 1, TcpSegment.SYN | TcpSegment.ACK, 65160, 1460, 10, true, true,
                1361064567, (int) 2145010761L), repr("tcp_syn_ack"));
    }

    @Test
    void handshakeAckCarriesTimestampsOnly() {
        assertEquals(TcpRepr.of(52710, 6000, ISS_A + 1, ISS_B + 1, TcpSegment.ACK, 63).withTimestamps((int) 2145010762L, 1361064567),
                repr("tcp_ack"));
    }

    @Test
    void dataSegmentDecodes() {
        Decoded d = Decoded.of("tcp_data");
        assertEquals(32, d.tcp.headerLength());
        assertEquals(10, d.tcp.payloadLength());
        assertEquals(10, d.tcp.segmentLength());
        assertTrue(d.tcp.psh());
        assertEquals("hello-tcp\n", new String(HexFixtures.toArray(d.buf, d.tcp.payloadOffset(), 10), java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(TcpSegment.PSH | TcpSegment.ACK, repr("tcp_data").flags());
        assertEquals("TCP 52710 > 6000 [P.] seq 2124166522 ack 503931147 win 63 len 10", d.tcp.toString());
    }

    @Test
    void finOccupiesOneSequenceNumber() {
        Decoded d = Decoded.of("tcp_fin");
        assertTrue(d.tcp.fin());
        assertEquals(ISS_A + 11, d.tcp.seq());
        assertEquals(1, d.tcp.segmentLength());
        assertEquals(TcpSegment.FIN | TcpSegment.ACK, repr("tcp_fin").flags());
    }

    @Test
    void rstFromClosedPort() {
        Decoded d = Decoded.of("tcp_rst");
        assertEquals(TcpRepr.of(6001, 45930, 0, (int) 3404055597L, TcpSegment.RST | TcpSegment.ACK, 0),
                TcpRepr.parse(d.tcp, IP_B, IP_A));
        assertEquals(20, d.tcp.headerLength());
        assertEquals("TCP 6001 > 45930 [R.] seq 0 ack 3404055597 win 0", repr("tcp_rst").toString());
    }

    @Test
    void reprEmitReproducesEveryTcpFixture() {
        for (String name : new String[] {"tcp_syn", "tcp_syn_ack", "tcp_ack", "tcp_data", "tcp_fin", "tcp_rst"}) {
            Decoded d = Decoded.of(name);
            TcpRepr r = TcpRepr.parse(d.tcp, d.ip.src(), d.ip.dst());
            assertEquals(d.tcp.headerLength(), r.headerLength(), name);
            ByteBuffer built = HexFixtures.filledA5(d.length());
            int at = d.ip.payloadOffset();
            new EthernetFrame().wrap(built, 0, 14).dst(d.eth.dst()).src(d.eth.src()).etherType(EthernetFrame.ETHERTYPE_IPV4);
            Ipv4Repr.parse(d.ip).emit(built, 14);
            built.put(d.tcp.payloadOffset(), d.buf, d.tcp.payloadOffset(), d.tcp.payloadLength());
            assertEquals(d.tcp.length(), r.emit(built, at, d.tcp.payloadLength(), d.ip.src(), d.ip.dst()));
            assertEquals(d.buf, built, name);
        }
    }

    @Test
    void staticEmitReproducesTheHandshakeAck() {
        Decoded d = Decoded.of("tcp_ack");
        ByteBuffer built = HexFixtures.filledA5(d.length());
        built.put(0, d.buf, 0, 34);
        TcpSegment.emitHeader(built, 34, 52710, 6000, ISS_A + 1, ISS_B + 1, TcpSegment.ACK, 63, 12);
        assertEquals(12, TcpOptions.emitTimestamps(built, 54, (int) 2145010762L, 1361064567));
        TcpSegment.fillChecksum(built, 34, 32, IP_A, IP_B);
        assertEquals(d.buf, built);
    }

    @Test
    void checksumCoversThePseudoHeader() {
        Decoded d = Decoded.of("tcp_data");
        assertNull(TcpRepr.parse(d.tcp, IP_A, IP_B + 1));
        assertNotNull(TcpRepr.parse(d.tcp, IP_A, IP_B));
        d.buf.put(d.tcp.payloadOffset() + 9, (byte) '!');
        assertNull(TcpRepr.parse(d.tcp, IP_A, IP_B));
    }

    @Test
    void dataOffsetBelowFiveIsRejected() {
        for (int off = 0; off < 5; off++) {
            Decoded d = Decoded.of("tcp_syn");
            d.buf.put(d.ip.payloadOffset() + 12, (byte) (off << 4));
            assertFalse(d.tcp.checkLength(), "data offset " + off);
            assertNull(TcpRepr.parse(d.tcp, IP_A, IP_B));
            assertEquals("TCP[truncated]", d.tcp.toString());
        }
    }

    @Test
    void dataOffsetBeyondAvailableIsRejected() {
        Decoded d = Decoded.of("tcp_rst"); // 20-byte segment
        for (int off = 6; off < 16; off++) {
            d.buf.put(d.ip.payloadOffset() + 12, (byte) (off << 4));
            assertFalse(d.tcp.checkLength(), "data offset " + off);
        }
        Decoded syn = Decoded.of("tcp_syn"); // 40 bytes: offset 11 (44) is too much
        syn.buf.put(syn.ip.payloadOffset() + 12, (byte) 0xb0);
        assertFalse(syn.tcp.checkLength());
    }

    @Test
    void malformedOptionListIsNotParsed() {
        Decoded d = Decoded.of("tcp_syn");
        d.buf.put(d.tcp.optionsOffset() + 1, (byte) 60); // MSS option claims 60 bytes
        TcpSegment.fillChecksum(d.buf, d.tcp.offset(), d.tcp.length(), IP_A, IP_B);
        assertTrue(d.tcp.checkLength());
        assertNull(TcpRepr.parse(d.tcp, IP_A, IP_B));
    }
}
