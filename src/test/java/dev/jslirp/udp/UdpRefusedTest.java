package dev.jslirp.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.cli.StackForTests;
import dev.jslirp.link.MemoryLink;
import dev.jslirp.wire.EthernetFrame;
import dev.jslirp.wire.Icmpv4Packet;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.MacAddress;
import dev.jslirp.wire.UdpDatagram;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A datagram to a closed host port: the host's ICMP port unreachable reaches the guest as
 * ICMP port unreachable quoting the guest's own flow (addresses and ports), so its socket
 * gets ECONNREFUSED as it would on a real network.
 */
class UdpRefusedTest {
    private static final long GUEST_MAC = 0x0200_0000_0A01L;
    private static final int GUEST = Ipv4Address.parse("10.0.2.15"), GATEWAY = Ipv4Address.parse("10.0.2.2");

    @Test
    void closedHostPortIsReportedToTheGuest() throws Exception {
        int closedPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closedPort = probe.getLocalPort();
        }
        MemoryLink link = new MemoryLink(1514);
        try (StackForTests stack = StackForTests.open(link)) {
            ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 8 + 4);
            UdpDatagram.emit(frame, 34, 40001, closedPort, 4, GUEST, GATEWAY);
            Ipv4Packet.emit(frame, 14, GUEST, GATEWAY, Ipv4Packet.PROTOCOL_UDP, 12, 7, 64);
            EthernetFrame.emit(frame, 0, MacAddress.GATEWAY_DEFAULT, GUEST_MAC, EthernetFrame.ETHERTYPE_IPV4);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                link.injectFromGuest(frame.array());   // resent until answered: the first may only arm the error
                stack.turn();
                for (byte[] f; (f = link.takeToGuest()) != null; ) {
                    ByteBuffer buf = ByteBuffer.wrap(f);
                    Ipv4Packet ip = new Ipv4Packet().wrap(buf, 14, f.length - 14);
                    if (!ip.checkLength() || ip.protocol() != Ipv4Packet.PROTOCOL_ICMP) continue;
                    Icmpv4Packet icmp = new Icmpv4Packet().wrap(buf, ip.payloadOffset(), ip.payloadLength());
                    assertTrue(icmp.verifyChecksum());
                    assertEquals(Icmpv4Packet.TYPE_DEST_UNREACHABLE, icmp.type());
                    assertEquals(Icmpv4Packet.CODE_PORT_UNREACHABLE, icmp.code());
                    assertEquals(GATEWAY, ip.src());
                    assertEquals(GUEST, ip.dst());
                    Ipv4Packet quoted = new Ipv4Packet().wrap(buf, icmp.dataOffset(), icmp.dataLength());
                    assertTrue(quoted.checkLength(), "quoted IPv4 header");
                    assertEquals(GUEST, quoted.src());
                    assertEquals(GATEWAY, quoted.dst());
                    assertEquals(Ipv4Packet.PROTOCOL_UDP, quoted.protocol());
                    assertEquals(40001, Short.toUnsignedInt(buf.getShort(quoted.payloadOffset())));
                    assertEquals(closedPort, Short.toUnsignedInt(buf.getShort(quoted.payloadOffset() + 2)));
                    return;
                }
            }
            throw new AssertionError("no ICMP port unreachable within 5 s");
        }
    }
}
