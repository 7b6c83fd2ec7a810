package dev.jslirp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.config.Config;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.link.Link;
import dev.jslirp.time.NanoClock;
import dev.jslirp.wire.EthernetFrame;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.MacAddress;
import dev.jslirp.wire.UdpDatagram;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The steady UDP path allocates nothing: a guest datagram through Interface.receive and
 * UdpNat to a real loopback echo server, and the echo back through the event loop and the
 * frame writer to the link, 10,000 times after warm-up, measured on the loop's thread.
 */
class UdpPathAllocationTest {
    private static final long GUEST_MAC = 0x0200_0000_0A01L;
    private static final int GUEST = Ipv4Address.parse("10.0.2.15"), GATEWAY = Ipv4Address.parse("10.0.2.2");

    /** Counts frames towards the guest without keeping them. */
    static final class CountingLink implements Link {
        long frames;
        @Override public int pollFd() { return -1; }
        @Override public int receive(ByteBuffer buf, int offset, int capacity) { return NOTHING; }
        @Override public boolean send(ByteBuffer buf, int offset, int length) { frames++; return true; }
        @Override public int maxFrameLength() { return 1514; }
        @Override public void close() { }
    }

    @Test
    void guestDatagramToHostAndEchoBackAllocateNothing() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread.ofPlatform().daemon().start(() -> {
                byte[] b = new byte[2048];
                DatagramPacket p = new DatagramPacket(b, b.length);
                while (!echo.isClosed()) {
                    try {
                        p.setLength(b.length);
                        echo.receive(p);
                        echo.send(p);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            Config.Builder cb = Config.builder();
            cb.open = true;
            cb.dnsUpstream = new SocketAddressV4(Ipv4Address.LOOPBACK, 9);
            CountingLink link = new CountingLink();
            Stack stack = new Stack(cb.build(), link, NanoClock.SYSTEM);
            try {
                ByteBuffer frame = ByteBuffer.allocateDirect(14 + 20 + 8 + 100);
                int udpLength = 8 + 100;
                UdpDatagram.emit(frame, 34, 40000, echo.getLocalPort(), 100, GUEST, GATEWAY);
                Ipv4Packet.emit(frame, 14, GUEST, GATEWAY, Ipv4Packet.PROTOCOL_UDP, udpLength, 1, 64);
                EthernetFrame.emit(frame, 0, MacAddress.GATEWAY_DEFAULT, GUEST_MAC, EthernetFrame.ETHERTYPE_IPV4);
                int frameLength = 34 + udpLength;

                for (int i = 0; i < 20_000; i++) roundTrip(stack, link, frame, frameLength);
                com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long quietest = Long.MAX_VALUE;
                for (int round = 0; round < 5 && quietest > 0; round++) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 10_000; i++) roundTrip(stack, link, frame, frameLength);
                    quietest = Math.min(quietest, threads.getCurrentThreadAllocatedBytes() - before);
                }
                // One allocation per datagram would be >= 16 bytes x 10,000; a JIT event can still
                // show once, hence the quietest of five rounds.
                assertEquals(0, quietest, "bytes allocated by 10,000 UDP round trips through the stack");
                assertTrue(stack.counters().totalDrops() == 0, stack.counters().toString());
            } finally {
                stack.close();
            }
        }
    }

    /** One datagram to the host, then turns of the loop until its echo went to the guest (bounded). */
    private static void roundTrip(Stack stack, CountingLink link, ByteBuffer frame, int length) {
        long sent = link.frames;
        stack.iface().receive(frame, 0, length, 0L);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (link.frames == sent) {
            if (System.nanoTime() > deadline) throw new AssertionError("no echo within 2 s");
            stack.loop().poll();
        }
    }
}
