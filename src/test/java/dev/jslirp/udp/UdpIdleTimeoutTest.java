package dev.jslirp.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jslirp.cli.Stack;
import dev.jslirp.config.Config;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.link.MemoryLink;
import dev.jslirp.time.ManualClock;
import dev.jslirp.wire.EthernetFrame;
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
 * A UDP flow lives while it carries traffic and is closed once idle for the timeout (60 s
 * by default), through the whole stack on a manual clock with a real loopback host socket.
 */
class UdpIdleTimeoutTest {
    private static final long GUEST_MAC = 0x0200_0000_0A01L;
    private static final int GUEST = Ipv4Address.parse("10.0.2.15"), GATEWAY = Ipv4Address.parse("10.0.2.2");

    @Test
    void aFlowIsClosedSixtySecondsAfterItsLastDatagramNotItsFirst() throws Exception {
        ManualClock clock = new ManualClock(1_000_000_000L);
        Config.Builder b = Config.builder();
        b.open = true;
        b.dnsUpstream = new SocketAddressV4(Ipv4Address.LOOPBACK, 9);
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Stack stack = new Stack(b.build(), new MemoryLink(1514), clock)) {
            int port = server.getLocalPort();
            send(stack, clock, port);
            stack.loop().poll();
            assertEquals(1, stack.udp().activeFlows());

            clock.advanceMs(50_000);
            send(stack, clock, port); // traffic at 50 s
            stack.loop().poll();
            clock.advanceMs(20_000);  // 70 s: 60 s after the first datagram, 20 s after the last
            stack.loop().poll();
            assertEquals(1, stack.udp().activeFlows(), "still in use");

            clock.advanceMs(39_999);  // 109.999 s
            stack.loop().poll();
            assertEquals(1, stack.udp().activeFlows());
            clock.advanceMs(1);       // 110 s: idle for 60 s
            stack.loop().poll();
            assertEquals(0, stack.udp().activeFlows(), "closed after 60 s without traffic");
        }
    }

    private static void send(Stack stack, ManualClock clock, int port) {
        ByteBuffer frame = ByteBuffer.allocateDirect(14 + 20 + 8 + 4);
        UdpDatagram.emit(frame, 34, 40002, port, 4, GUEST, GATEWAY);
        Ipv4Packet.emit(frame, 14, GUEST, GATEWAY, Ipv4Packet.PROTOCOL_UDP, 12, 9, 64);
        EthernetFrame.emit(frame, 0, MacAddress.GATEWAY_DEFAULT, GUEST_MAC, EthernetFrame.ETHERTYPE_IPV4);
        stack.iface().receive(frame, 0, frame.capacity(), clock.nanoTime());
    }
}
