package dev.jslirp.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.cli.Stack;
import dev.jslirp.config.Config;
import dev.jslirp.config.Limits;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.link.MemoryLink;
import dev.jslirp.time.ManualClock;
import dev.jslirp.wire.EthernetFrame;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.MacAddress;
import dev.jslirp.wire.TcpSegment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Caps on TCP flows and half-open handshakes, through the whole stack over a {@link MemoryLink}
 * with a real event loop and real loopback host sockets: a SYN flood is answered with RSTs,
 * counted, holds at most the capped descriptors, and other flows still open.
 */
class TcpNatLimitsTest {
    static final int GUEST = 0x0A00020F, GATEWAY = 0x0A000202;
    static final long GUEST_MAC = 0x5254_0012_3456L;

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final MemoryLink link = new MemoryLink(2048);
    Stack stack;
    ServerSocketChannel listener;

    @AfterEach
    void close() throws IOException {
        if (stack != null) stack.close();
        if (listener != null) listener.close();
    }

    Stack stack(Limits limits) {
        Config.Builder b = Config.builder();
        b.open = true;
        b.dnsUpstream = new SocketAddressV4(Ipv4Address.LOOPBACK, 9);
        b.limits = limits;
        stack = new Stack(b.build(), link, clock);
        return stack;
    }

    int listen(int backlog) throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    void syn(int guestPort, int port) {
        ByteBuffer f = ByteBuffer.allocateDirect(14 + 20 + 20);
        EthernetFrame.emit(f, 0, MacAddress.GATEWAY_DEFAULT, GUEST_MAC, EthernetFrame.ETHERTYPE_IPV4);
        Ipv4Packet.emit(f, 14, GUEST, GATEWAY, Ipv4Packet.PROTOCOL_TCP, 20, guestPort, 64);
        TcpSegment.emitHeader(f, 34, guestPort, port, 1000, 0, TcpSegment.SYN, 65535, 0);
        TcpSegment.fillChecksum(f, 34, 20, GUEST, GATEWAY);
        stack.iface().receive(f, 0, f.capacity(), clock.nanoTime());
    }

    /** Counts [RST, SYN-ACK, ICMP] frames sent to the guest since the last call. */
    int[] drain() {
        int[] counts = new int[3];
        byte[] frame;
        while ((frame = link.takeToGuest()) != null) {
            ByteBuffer b = ByteBuffer.wrap(frame);
            if (frame.length < 34 || b.getShort(12) != 0x0800) continue;
            int protocol = b.get(23);
            int l4 = 14 + (b.get(14) & 0xF) * 4;
            if (protocol == Ipv4Packet.PROTOCOL_ICMP) counts[2]++;
            if (protocol != Ipv4Packet.PROTOCOL_TCP) continue;
            int flags = b.get(l4 + 13) & 0xFF;
            if ((flags & TcpSegment.RST) != 0) counts[0]++;
            if ((flags & TcpSegment.SYN) != 0 && (flags & TcpSegment.ACK) != 0) counts[1]++;
        }
        return counts;
    }

    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    void pollUntil(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) stack.loop().poll();
    }

    @Test
    void flowCapAnswersTheFloodWithResetsAndBoundsDescriptors() throws IOException {
        stack(new Limits(8, 256, 16, 4, 64 * 1024, 60_000, 10_000, 20_000));
        int port = listen(128);
        long fdsBefore = openFds();
        for (int i = 0; i < 100; i++) syn(20000 + i, port);
        pollUntil(() -> stack.tcp().halfOpenFlows() == 0);
        int[] c = drain();
        assertEquals(8, stack.tcp().activeFlows());
        assertEquals(92, stack.tcp().flowsRefusedByCap);
        assertEquals(92, c[0], "a RST for every refused SYN");
        assertEquals(8, c[1], "a SYN-ACK for every admitted one");
        assertTrue(openFds() - fdsBefore <= 8, "host descriptors bounded by the cap: " + (openFds() - fdsBefore));
    }

    @Test
    void halfOpenCapHoldsAndConnectTimeoutFreesTheSlots() throws IOException {
        stack(new Limits(64, 4, 16, 4, 64 * 1024, 60_000, 10_000, 200));
        // Backlog 1, never accepted, its queue filled by two connections of ours: the kernel
        // drops further SYNs, so those host connects stay in progress, like a black hole.
        int blackHole = listen(1);
        java.util.List<java.nio.channels.SocketChannel> fillers = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open();
            c.configureBlocking(false);
            c.connect(listener.getLocalAddress());
            fillers.add(c);
        }
        for (int i = 0; i < 40; i++) syn(30000 + i, blackHole);
        stack.loop().poll();
        assertTrue(stack.tcp().halfOpenFlows() <= 4, "half-open " + stack.tcp().halfOpenFlows());
        assertTrue(stack.tcp().flowsRefusedByCap >= 30, "refused " + stack.tcp().flowsRefusedByCap);
        int[] first = drain();
        assertTrue(first[0] >= 30, "RSTs " + first[0]);

        // Other flows keep working: a SYN to an accepting port still gets its SYN-ACK once a slot frees.
        clock.advanceMs(250);
        stack.loop().poll();
        assertEquals(0, stack.tcp().halfOpenFlows(), "timed-out connects are freed");
        assertTrue(stack.tcp().connectTimeouts > 0, "timeouts " + stack.tcp().connectTimeouts + " active "
                + stack.tcp().activeFlows() + " opened " + stack.tcp().flowsOpened + " refused " + stack.tcp().flowsRefusedByCap);
        int[] afterTimeout = drain();
        assertTrue(afterTimeout[2] > 0, "ICMP unreachable for a connect that timed out");
        try (ServerSocketChannel open = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            syn(40000, ((InetSocketAddress) open.getLocalAddress()).getPort());
            pollUntil(() -> stack.tcp().halfOpenFlows() == 0);
            assertEquals(1, drain()[1], "a new flow opens after the flood");
        }
        for (java.nio.channels.SocketChannel c : fillers) c.close();
    }

    /**
     * A loopback connect is answered without waiting for the loop: the SYN-ACK (or the RST
     * for a closed port) is on the link when the guest's SYN has been handled.
     */
    @Test
    void aLoopbackConnectIsAnsweredWhileTheSynIsHandled() throws IOException {
        stack(new Limits(8, 256, 16, 4, 64 * 1024, 60_000, 10_000, 20_000));
        int port = listen(16);
        syn(20001, port);
        assertEquals(1, drain()[1], "SYN-ACK before any turn of the loop");
        assertEquals(0, stack.tcp().halfOpenFlows());

        int closed;
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closed = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        syn(20002, closed);
        int[] c = drain();
        assertEquals(1, c[0], "RST for a refused loopback port, at once");
        assertEquals(0, c[1]);
        assertEquals(1, stack.tcp().activeFlows(), "only the first flow remains");
    }

    /**
     * An event that epoll reported for a socket that has since been closed (in the same batch)
     * may name a slot that already holds the next flow: it must not reach that flow. Here a
     * flow's host connect is still in progress (a black-holed listener) and an EPOLLOUT with
     * the slot's previous token arrives: no SYN-ACK may go out.
     */
    @Test
    void anEventOfAClosedSocketDoesNotReachTheNextFlowInItsSlot() throws IOException {
        stack(new Limits(8, 256, 16, 4, 64 * 1024, 60_000, 10_000, 20_000));
        int blackHole = listen(1);
        java.util.List<java.nio.channels.SocketChannel> fillers = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open();
            c.configureBlocking(false);
            c.connect(listener.getLocalAddress());
            fillers.add(c);
        }
        try {
            // The listener's queue is full, so the kernel drops our SYN: the connect stays in
            // progress (even the loopback shortcut finds nothing to take).
            int port = 31000;
            for (; port < 31010 && stack.tcp().halfOpenFlows() == 0; port++) syn(port, blackHole);
            assertEquals(1, stack.tcp().halfOpenFlows(), "a host connect in progress");
            drain();
            int slot = 0; // the first flow index handed out
            int previousToken = slot; // generation 0: the slot's token before this flow's socket
            stack.tcp().onReady(previousToken, dev.jslirp.os.Epoll.EPOLLOUT, clock.nanoTime());
            assertEquals(0, drain()[1], "no SYN-ACK for a connect that has not finished");
            assertEquals(1, stack.tcp().halfOpenFlows(), "still connecting");
        } finally {
            for (java.nio.channels.SocketChannel c : fillers) c.close();
        }
    }
}
