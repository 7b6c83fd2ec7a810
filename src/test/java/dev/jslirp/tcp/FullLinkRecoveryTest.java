package dev.jslirp.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.cli.StackForTests;
import dev.jslirp.link.MemoryLink;
import dev.jslirp.wire.EthernetFrame;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.Ipv4Repr;
import dev.jslirp.wire.MacAddress;
import dev.jslirp.wire.TcpRepr;
import dev.jslirp.wire.TcpSegment;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The frontend's socket is full for a while (bhyve not draining, QEMU stalled): every frame
 * towards the guest is dropped and counted; when the link drains again, TCP retransmission
 * recovers and the host's bytes arrive exactly, none lost, none twice.
 */
class FullLinkRecoveryTest {
    private static final long GUEST_MAC = 0x0200_0000_0A01L;
    private static final int GUEST = Ipv4Address.parse("10.0.2.15"), GATEWAY = Ipv4Address.parse("10.0.2.2");
    private static final int GUEST_PORT = 41000, ISS = 5000;
    private static final long STALL_NS = 1_500_000_000L;

    @Test
    void hostDataSurvivesALinkFullForSeconds() throws Exception {
        byte[] payload = new byte[2 << 20];
        new Random(11).nextBytes(payload);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(payload);
                } catch (Exception e) {
                    // the test fails on the guest side
                }
            });
            MemoryLink link = new MemoryLink(1514);
            try (StackForTests stack = StackForTests.open(link)) {
                int port = server.getLocalPort();
                send(stack, link, TcpRepr.of(GUEST_PORT, port, ISS, 0, TcpSegment.SYN, 65535));
                int next = -1;
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                boolean fin = false, stalled = false;
                long stallEndNs = 0;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!fin && System.nanoTime() < deadline) {
                    if (!stalled && received.size() > payload.length / 4) {
                        stalled = true;                              // the frontend stops draining
                        link.sendCapacity(0);
                        stallEndNs = System.nanoTime() + STALL_NS;
                    }
                    if (stalled && stallEndNs != 0 && System.nanoTime() >= stallEndNs) {
                        link.sendCapacity(Integer.MAX_VALUE);         // and drains again
                        stallEndNs = 0;
                    }
                    stack.turn();
                    for (byte[] f; (f = link.takeToGuest()) != null; ) {
                        ByteBuffer buf = ByteBuffer.wrap(f);
                        Ipv4Packet ip = new Ipv4Packet().wrap(buf, 14, f.length - 14);
                        if (!ip.checkLength() || ip.protocol() != Ipv4Packet.PROTOCOL_TCP) continue;
                        TcpSegment seg = new TcpSegment().wrap(buf, ip.payloadOffset(), ip.payloadLength());
                        if (seg.syn()) {
                            next = seg.seq() + 1;
                        } else if (seg.seq() == next) {          // in order: take it (a minimal receiver)
                            received.write(f, seg.payloadOffset(), seg.payloadLength());
                            next += seg.payloadLength();
                            if (seg.fin()) {
                                next++;
                                fin = true;
                            }
                        }
                        send(stack, link, TcpRepr.of(GUEST_PORT, port, ISS + 1, next, TcpSegment.ACK, 65535));
                    }
                }
                assertTrue(stalled, "the transfer reached the stall");
                assertTrue(stack.stack().counters().framesToGuestDropped > 0, "frames were dropped while full");
                assertTrue(fin, "the transfer finished after the stall");
                assertEquals(payload.length, received.size());
                assertArrayEquals(payload, received.toByteArray());
            }
        }
    }

    private static void send(StackForTests stack, MemoryLink link, TcpRepr segment) {
        ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 60);
        int tcpLength = segment.emit(frame, 34, 0, GUEST, GATEWAY);
        Ipv4Repr.of(GUEST, GATEWAY, Ipv4Packet.PROTOCOL_TCP, tcpLength, 1, 64).emit(frame, 14);
        EthernetFrame.emit(frame, 0, MacAddress.GATEWAY_DEFAULT, GUEST_MAC, EthernetFrame.ETHERTYPE_IPV4);
        byte[] bytes = new byte[34 + tcpLength];
        frame.get(0, bytes);
        link.injectFromGuest(bytes);
    }
}
