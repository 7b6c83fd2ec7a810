package dev.jslirp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The steady UDP path allocates nothing: a guest datagram through Interface.receive and
 * UdpNat out to a real loopback socket, and in again through a port forward, the event loop
 * and the frame writer to the link, 10,000 times after warm-up, measured on the loop's thread.
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
    void guestDatagramOutAndInAgainAllocateNothing() throws Exception {
        // The host peer is the stack itself: a UDP port forward bound on loopback. The guest's
        // datagram leaves through the NAT (outbound flow, host socket) and comes back in through
        // the forward (listener, inbound flow, frame writer): both directions of the UDP path,
        // all on this thread, with no other thread to wait for.
        Config.Builder cb = Config.builder();
        cb.open = true;
        cb.dnsUpstream = new SocketAddressV4(Ipv4Address.LOOPBACK, 9);
        cb.forwards = java.util.List.of(new dev.jslirp.config.HostForward(
                dev.jslirp.config.HostForward.Protocol.UDP, Ipv4Address.LOOPBACK, 0, 0, 5000));
        CountingLink link = new CountingLink();
        Stack stack = new Stack(cb.build(), link, NanoClock.SYSTEM);
        try {
            stack.bindForwards();
            int hostPort = stack.udp().boundPort(0);
            ByteBuffer frame = ByteBuffer.allocateDirect(14 + 20 + 8 + 100);
            int udpLength = 8 + 100;
            UdpDatagram.emit(frame, 34, 40000, hostPort, 100, GUEST, GATEWAY);
            Ipv4Packet.emit(frame, 14, GUEST, GATEWAY, Ipv4Packet.PROTOCOL_UDP, udpLength, 1, 64);
            EthernetFrame.emit(frame, 0, MacAddress.GATEWAY_DEFAULT, GUEST_MAC, EthernetFrame.ETHERTYPE_IPV4);
            int frameLength = 34 + udpLength;

            for (int i = 0; i < 20_000; i++) roundTrip(stack, link, frame, frameLength);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long quietest = Long.MAX_VALUE;
            // Up to 50 rounds, until one allocates nothing: in a JVM busy with other tests the
            // JIT may take a while to compile the whole path with escape analysis, and until
            // then the JDK's own per-call objects (FFM's errno-capture slice) still show.
            for (int round = 0; round < 50 && quietest > 0; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) roundTrip(stack, link, frame, frameLength);
                quietest = Math.min(quietest, threads.getCurrentThreadAllocatedBytes() - before);
            }
            // One allocation per datagram would be >= 16 bytes x 10,000 in every round.
            assertEquals(0, quietest, "bytes allocated by 10,000 UDP round trips through the stack");
            assertEquals(0, stack.counters().totalDrops(), stack.counters().toString());
        } finally {
            stack.close();
        }
    }

    /**
     * One datagram to the host, then turns of the loop until its echo went to the guest. UDP
     * may lose a datagram on a loaded machine: resend after a second, five tries in all.
     */
    private static void roundTrip(Stack stack, CountingLink link, ByteBuffer frame, int length) {
        long sent = link.frames;
        for (int attempt = 0; attempt < 5; attempt++) {
            stack.iface().receive(frame, 0, length, stack.loop().clock().nanoTime()); // the loop's time: idle timers compare with it
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                stack.loop().poll();
                if (link.frames != sent) return;
            }
        }
        throw new AssertionError("no datagram back after five tries; counters " + stack.counters()
                + ", UDP flows opened " + stack.udp().flowsOpened + ", send errors " + stack.udp().hostSendErrors);
    }
}
