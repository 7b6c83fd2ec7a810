package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every truncated prefix of every captured frame is rejected by some layer, without an exception. */
class TruncationTest {
    static final java.util.List<String> FIXTURES = HexFixtures.ALL;

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void everyPrefixIsRejected(String name) {
        byte[] frame = HexFixtures.bytes(name);
        for (int n = 0; n < frame.length; n++) {
            // A buffer holding exactly the prefix: reading past it would throw.
            Decoded d = new Decoded(HexFixtures.toDirect(java.util.Arrays.copyOf(frame, n)));
            assertFalse(d.decode(n), name + " prefix " + n);
            assertNotNull(d.eth.toString());
            assertNotNull(d.ip.toString());
        }
        assertTrue(new Decoded(HexFixtures.toDirect(frame)).decode(frame.length));
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void everyPrefixFailsParse(String name) {
        Decoded full = Decoded.of(name);
        int at = full.eth.payloadOffset();
        for (int n = 0; n < full.length() - at; n++) {
            ByteBuffer b = HexFixtures.toDirect(HexFixtures.toArray(full.buf, at, n));
            if (full.eth.etherType() == EthernetFrame.ETHERTYPE_ARP) {
                assertNull(ArpRepr.parse(new ArpPacket().wrap(b, 0, n)), name + " " + n);
            } else {
                assertNull(Ipv4Repr.parse(new Ipv4Packet().wrap(b, 0, n)), name + " " + n);
            }
        }
        if (full.eth.etherType() != EthernetFrame.ETHERTYPE_IPV4 || full.ip.isFragment()) return;
        int ipPayload = full.ip.payloadOffset();
        for (int n = 0; n < full.ip.payloadLength(); n++) {
            ByteBuffer b = HexFixtures.toDirect(HexFixtures.toArray(full.buf, ipPayload, n));
            switch (full.ip.protocol()) {
                case Ipv4Packet.PROTOCOL_TCP -> assertNull(TcpRepr.parse(new TcpSegment().wrap(b, 0, n), full.ip.src(), full.ip.dst()));
                case Ipv4Packet.PROTOCOL_UDP -> assertNull(UdpRepr.parse(new UdpDatagram().wrap(b, 0, n), full.ip.src(), full.ip.dst()));
                case Ipv4Packet.PROTOCOL_ICMP -> {
                    Icmpv4Packet icmp = new Icmpv4Packet().wrap(b, 0, n);
                    assertFalse(icmp.checkLength() && icmp.verifyChecksum() && n == full.icmp.length());
                }
                default -> fail();
            }
        }
    }
}
