package dev.jslirp.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.config.Config;
import dev.jslirp.config.Ipv4Cidr;
import dev.jslirp.link.MemoryLink;
import dev.jslirp.wire.ArpPacket;
import dev.jslirp.wire.Checksum;
import dev.jslirp.wire.EthernetFrame;
import dev.jslirp.wire.HexFixtures;
import dev.jslirp.wire.Icmpv4Packet;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.MacAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole captured frames into {@link Interface#receive} over a {@link MemoryLink}. The fixtures
 * were captured between 10.9.0.1 (02:00:00:00:0a:01) and 10.9.0.2 (02:00:00:00:0b:02), so the
 * interface here plays 10.9.0.2 with that MAC: the captured guest talks to its gateway.
 */
class InterfaceTest {
    private static final long GATEWAY_MAC = 0x0200_0000_0B02L;
    private static final long GUEST_MAC = 0x0200_0000_0A01L;
    private static final int GATEWAY = Ipv4Address.parse("10.9.0.2");
    private static final int GUEST = Ipv4Address.parse("10.9.0.1");

    private MemoryLink link;
    private Counters counters;
    private Interface iface;
    private final List<Ipv4Packet> tcp = new ArrayList<>(), udp = new ArrayList<>(), icmp = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Config.Builder b = Config.builder();
        b.network = new Ipv4Cidr(Ipv4Address.parse("10.9.0.0"), 24);
        b.gateway = GATEWAY;
        b.dns = Ipv4Address.parse("10.9.0.3");
        b.gatewayMac = GATEWAY_MAC;
        b.open = true;
        Config config = b.build();
        link = new MemoryLink(1514);
        counters = new Counters();
        iface = new Interface(config, counters, new GuestFrameWriter(link, counters, GATEWAY_MAC, GATEWAY, 1500), new Ipv4Reassembler());
        iface.handlers(new Interface.Handlers((p, now) -> tcp.add(p), (p, now) -> udp.add(p), (p, now) -> icmp.add(p)));
    }

    private void receive(byte[] frame) {
        ByteBuffer buf = HexFixtures.toDirect(frame);
        iface.receive(buf, 0, frame.length, 0L);
    }

    @Test
    void arpRequestForTheGatewayIsAnswered() {
        receive(HexFixtures.bytes("arp_request"));
        byte[] reply = link.takeToGuest();
        assertNotNull(reply);
        ByteBuffer buf = ByteBuffer.wrap(reply);
        EthernetFrame eth = new EthernetFrame().wrap(buf, 0, reply.length);
        assertEquals(GUEST_MAC, eth.dst());
        assertEquals(GATEWAY_MAC, eth.src());
        ArpPacket arp = new ArpPacket().wrap(buf, eth.payloadOffset(), eth.payloadLength());
        assertTrue(arp.checkLength());
        assertEquals(ArpPacket.OPER_REPLY, arp.oper());
        assertEquals(GATEWAY_MAC, arp.senderMac());
        assertEquals(GATEWAY, arp.senderIp());
        assertEquals(GUEST_MAC, arp.targetMac());
        assertEquals(GUEST, arp.targetIp());
        assertEquals(1, counters.arpRequestsAnswered);
    }

    @Test
    void arpRequestForAnyOtherAddressIsIgnored() {
        byte[] frame = HexFixtures.bytes("arp_request");
        ByteBuffer.wrap(frame).putInt(14 + ArpPacket.TPA_OFFSET, Ipv4Address.parse("10.9.0.77"));
        receive(frame);
        assertNull(link.takeToGuest(), "never answer for addresses that are not ours");
        assertEquals(1, counters.arpIgnored);
    }

    @Test
    void gratuitousArpIsLearnedNotAnswered() {
        byte[] frame = HexFixtures.bytes("arp_request");
        ByteBuffer.wrap(frame).putInt(14 + ArpPacket.TPA_OFFSET, GUEST); // announce: sender == target
        receive(frame);
        assertNull(link.takeToGuest());
        assertEquals(GUEST_MAC, iface.writer().guestMac());
    }

    @Test
    void echoRequestToTheGatewayGetsTheSameIdentSequenceAndData() {
        byte[] request = HexFixtures.bytes("icmp_echo_request");
        receive(request);
        byte[] reply = link.takeToGuest();
        assertNotNull(reply);
        ByteBuffer in = ByteBuffer.wrap(request), out = ByteBuffer.wrap(reply);
        Ipv4Packet ip = new Ipv4Packet().wrap(out, 14, reply.length - 14);
        assertTrue(ip.checkLength() && ip.verifyChecksum());
        assertEquals(GATEWAY, ip.src());
        assertEquals(GUEST, ip.dst());
        Icmpv4Packet echo = new Icmpv4Packet().wrap(out, ip.payloadOffset(), ip.payloadLength());
        Icmpv4Packet asked = new Icmpv4Packet().wrap(in, 34, request.length - 34);
        assertEquals(Icmpv4Packet.TYPE_ECHO_REPLY, echo.type());
        assertEquals(asked.ident(), echo.ident());
        assertEquals(asked.sequence(), echo.sequence());
        assertTrue(echo.verifyChecksum());
        assertEquals(ByteBuffer.wrap(request, 34 + 8, request.length - 42), ByteBuffer.wrap(reply, 34 + 8, reply.length - 42));
    }

    @Test
    void fragmentedEchoIsReassembledAndTheReplyFragmented() {
        receive(HexFixtures.bytes("ipv4_fragment_2"));
        receive(HexFixtures.bytes("ipv4_fragment_3"));
        assertNull(link.takeToGuest());
        receive(HexFixtures.bytes("ipv4_fragment_1"));
        assertEquals(1, counters.datagramsReassembled);
        // The 3008-byte reply does not fit a 1500-byte MTU: reassemble what we sent and check it.
        Ipv4Reassembler guestSide = new Ipv4Reassembler();
        ByteBuffer whole = ByteBuffer.allocateDirect(65535);
        int length = 0;
        for (byte[] f; (f = link.takeToGuest()) != null; ) {
            assertTrue(f.length <= 1514);
            ByteBuffer buf = HexFixtures.toDirect(f);
            Ipv4Packet frag = new Ipv4Packet().wrap(buf, 14, f.length - 14);
            assertTrue(frag.checkLength() && frag.verifyChecksum());
            int r = guestSide.offer(frag, 0L, whole, 0);
            if (r > 0) length = r;
        }
        assertTrue(length > 3000, "reply reassembled");
        Ipv4Packet reply = new Ipv4Packet().wrap(whole, 0, length);
        Icmpv4Packet echo = new Icmpv4Packet().wrap(whole, reply.payloadOffset(), reply.payloadLength());
        assertEquals(Icmpv4Packet.TYPE_ECHO_REPLY, echo.type());
        assertTrue(echo.verifyChecksum());
    }

    @Test
    void forgedSourceAddressIsDropped() {
        byte[] frame = HexFixtures.bytes("icmp_echo_request");
        ByteBuffer buf = ByteBuffer.wrap(frame);
        buf.putInt(14 + Ipv4Packet.SRC_OFFSET, Ipv4Address.parse("198.51.100.7"));
        buf.putShort(14 + Ipv4Packet.CHECKSUM_OFFSET, (short) 0);
        buf.putShort(14 + Ipv4Packet.CHECKSUM_OFFSET, (short) Checksum.compute(buf, 14, 20));
        receive(frame);
        assertNull(link.takeToGuest());
        assertEquals(1, counters.dropIpSourceInvalid);
    }

    @Test
    void badHeaderChecksumIsCounted() {
        byte[] frame = HexFixtures.bytes("udp_datagram");
        frame[14 + Ipv4Packet.CHECKSUM_OFFSET] ^= 0x11;
        receive(frame);
        assertEquals(1, counters.dropIpChecksum);
        assertTrue(udp.isEmpty());
    }

    @Test
    void transportPacketsReachTheirHandlers() {
        receive(HexFixtures.bytes("tcp_syn"));
        receive(HexFixtures.bytes("udp_datagram"));
        assertEquals(1, tcp.size());
        assertEquals(1, udp.size());
    }

    @Test
    void everyTruncationAndRandomBytesAreDroppedWithoutException() {
        for (String name : HexFixtures.ALL) {
            if (!name.endsWith("") || name.startsWith("dhcp") || name.startsWith("dns")) continue;
            byte[] frame = HexFixtures.bytes(name);
            for (int n = 0; n < frame.length; n++) {
                ByteBuffer buf = HexFixtures.toDirect(frame);
                iface.receive(buf, 0, n, 0L);
            }
        }
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(120)];
            random.nextBytes(junk);
            if (junk.length > 14 && i % 2 == 0) {
                MacAddress.write(ByteBuffer.wrap(junk), 0, GATEWAY_MAC);
                junk[12] = 0x08; junk[13] = 0x00;
            }
            receive(junk);
        }
        assertTrue(counters.totalDrops() > 10_000, counters.toString());
    }
}
