package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class EthernetArpTest {
    static final long MAC_A = MacAddress.parse("02:00:00:00:0a:01");
    static final long MAC_B = MacAddress.parse("02:00:00:00:0b:02");
    static final int IP_A = Ipv4Address.parse("10.9.0.1");
    static final int IP_B = Ipv4Address.parse("10.9.0.2");

    @Test
    void arpRequestDecodes() {
        Decoded d = Decoded.of("arp_request");
        assertEquals(MacAddress.BROADCAST, d.eth.dst());
        assertEquals(MAC_A, d.eth.src());
        assertEquals(EthernetFrame.ETHERTYPE_ARP, d.eth.etherType());
        assertEquals(42, d.eth.length());
        assertEquals(new ArpRepr(ArpPacket.OPER_REQUEST, MAC_A, IP_A, MacAddress.ZERO, IP_B), ArpRepr.parse(d.arp));
        assertEquals("ARP who-has 10.9.0.2 tell 10.9.0.1", d.arp.toString());
        assertEquals("Ethernet 02:00:00:00:0a:01 > ff:ff:ff:ff:ff:ff type 0x806 len 42", d.eth.toString());
    }

    @Test
    void arpReplyDecodes() {
        Decoded d = Decoded.of("arp_reply");
        assertEquals(MAC_A, d.eth.dst());
        assertEquals(MAC_B, d.eth.src());
        assertEquals(new ArpRepr(ArpPacket.OPER_REPLY, MAC_B, IP_B, MAC_A, IP_A), ArpRepr.parse(d.arp));
        assertEquals("ARP reply 10.9.0.2 is-at 02:00:00:00:0b:02 to 10.9.0.1", ArpRepr.parse(d.arp).toString());
    }

    @Test
    void staticEmitReproducesArpFrames() {
        for (String name : new String[] {"arp_request", "arp_reply"}) {
            Decoded d = Decoded.of(name);
            ByteBuffer built = HexFixtures.filledA5(d.length());
            EthernetFrame.emit(built, 0, d.eth.dst(), d.eth.src(), EthernetFrame.ETHERTYPE_ARP);
            ArpPacket.emit(built, 14, d.arp.oper(), d.arp.senderMac(), d.arp.senderIp(), d.arp.targetMac(), d.arp.targetIp());
            assertEquals(d.buf, built, name);
        }
    }

    @Test
    void reprEmitReproducesArpFrames() {
        for (String name : new String[] {"arp_request", "arp_reply"}) {
            Decoded d = Decoded.of(name);
            ByteBuffer built = HexFixtures.filledA5(d.length());
            new EthernetFrame().wrap(built, 0, d.length()).dst(d.eth.dst()).src(d.eth.src()).etherType(d.eth.etherType());
            assertEquals(ArpPacket.LENGTH, ArpRepr.parse(d.arp).emit(built, 14));
            assertEquals(d.buf, built, name);
        }
    }

    @Test
    void arpForOtherHardwareOrProtocolIsRejected() {
        int[][] corruptions = {{0, 0x01}, {1, 0x06}, {2, 0x86}, {4, 0x08}, {5, 0x10}}; // htype, ptype, hlen, plen
        for (int[] c : corruptions) {
            ByteBuffer b = HexFixtures.direct("arp_request");
            b.put(14 + c[0], (byte) c[1]);
            ArpPacket arp = new ArpPacket().wrap(b, 14, b.capacity() - 14);
            assertFalse(arp.checkLength(), "byte " + c[0]);
            assertNull(ArpRepr.parse(arp));
            assertNotNull(arp.toString());
        }
    }

    @Test
    void ethernetShorterThanHeaderIsRejected() {
        ByteBuffer b = HexFixtures.direct("arp_request");
        for (int n = 0; n < 14; n++) {
            EthernetFrame eth = new EthernetFrame().wrap(b, 0, n);
            assertFalse(eth.checkLength());
            assertEquals("Ethernet[truncated]", eth.toString());
        }
    }
}
