package dev.jslirp.fuzz;

import dev.jslirp.cli.Stack;
import dev.jslirp.config.Config;
import dev.jslirp.config.Limits;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.link.MemoryLink;
import dev.jslirp.time.ManualClock;
import dev.jslirp.wire.Checksum;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole stack (interface, reassembly, TCP/UDP NAT, ICMP relay, DHCP, DNS) over a
 * {@link MemoryLink}, with a real epoll event loop and a manual clock, for fuzzing with
 * whole Ethernet frames.
 *
 * <h2>Why fuzz inputs cannot reach beyond loopback</h2>
 * The stack runs in open mode (so the NAT paths are exercised), which on its own would let a
 * fuzzed SYN connect anywhere. Every frame therefore goes through {@link #confine} first: an
 * IPv4 destination outside the virtual network becomes the gateway, and a TCP or UDP
 * destination port on the gateway becomes one of this harness's own loopback ports. With
 * host loopback enabled, {@link dev.jslirp.flow.Forwarding} maps the gateway to 127.0.0.1
 * and the DNS address to the configured upstream (127.0.0.1, a closed port here); every
 * other virtual address is denied. A reassembled datagram takes the header (and, as
 * overlaps are refused, the ports) of its first fragment, which was confined too; all
 * fragments of one datagram get the same rewritten destination, so they still meet.
 * No port forwards are configured. {@code test/fuzz.sh} additionally runs the fuzzer in an
 * empty network namespace (loopback only) when it can.
 *
 * <h2>Input format</h2>
 * A sequence of frames, each a 2-byte big-endian length and that many bytes (the last one
 * may be short). Between frames the event loop turns once without waiting; at the end the
 * clock jumps ten minutes so every timer (retransmission, connect timeout, idle, reassembly)
 * fires. IP and L4 checksums are recomputed after confinement, so mutations get past the
 * checksum checks and into the protocol logic.
 */
final class FuzzStack implements AutoCloseable {
    static final int GATEWAY = 0x0A000202;
    private static final int NETWORK = 0x0A000200;

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final MemoryLink link = new MemoryLink(65535 + 14);
    final Stack stack;
    // The host side is shared by every input (opening it per input would halve the speed);
    // whatever connected during one input is accepted, served and closed within it.
    private static final ServerSocketChannel tcpListener;
    private static final DatagramChannel udpSink;
    private static final int tcpListenPort, tcpClosedPort, udpSinkPort, udpClosedPort;
    private final List<SocketChannel> accepted = new ArrayList<>();
    private final ByteBuffer frameBuf = ByteBuffer.allocateDirect(65535 + 14);
    private final ByteBuffer sink = ByteBuffer.allocate(65536);
    private final ByteBuffer hostData = ByteBuffer.wrap("hello from the host\n".getBytes());

    static {
        try {
            tcpListener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            tcpListener.configureBlocking(false);
            tcpListenPort = ((InetSocketAddress) tcpListener.getLocalAddress()).getPort();
            udpSink = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            udpSink.configureBlocking(false);
            udpSinkPort = ((InetSocketAddress) udpSink.getLocalAddress()).getPort();
            tcpClosedPort = closedPort();
            udpClosedPort = tcpClosedPort;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FuzzStack() {
        Config.Builder b = Config.builder();
        b.open = true;
        b.hostLoopback = true;
        b.dnsUpstream = new SocketAddressV4(Ipv4Address.LOOPBACK, udpClosedPort);
        b.limits = new Limits(32, 8, 32, 8, 16 * 1024, 30_000, 10_000, 5_000);
        stack = new Stack(b.build(), link, clock);
    }

    private static int closedPort() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
    }

    /** Feeds one fuzz input; never lets an exception out of the stack unnoticed (the caller's assertions decide). */
    void feed(byte[] input) {
        long now = clock.nanoTime();
        int pos = 0;
        if (input.length < 2) {
            frame(input, 0, input.length);
        }
        while (pos + 2 <= input.length) {
            int len = ((input[pos] & 0xFF) << 8) | (input[pos + 1] & 0xFF);
            pos += 2;
            len = Math.min(len, input.length - pos);
            frame(input, pos, len);
            pos += len;
            stack.loop().poll();
            serveHost();
            clock.advanceMs(1);
        }
        stack.loop().poll();
        serveHost();
        stack.loop().poll();
        clock.advanceMs(600_000);
        stack.loop().poll();
        while (link.takeToGuest() != null) { } // frames to the guest are only counted
        assert now < clock.nanoTime();
    }

    private void frame(byte[] input, int offset, int len) {
        frameBuf.clear();
        frameBuf.put(0, input, offset, len);
        confine(frameBuf, len);
        stack.iface().receive(frameBuf, 0, len, clock.nanoTime());
    }

    /** Accepts what connected to our listener and gives it bytes to send to the guest; drains the UDP sink. */
    private void serveHost() {
        try {
            SocketChannel c;
            while ((c = tcpListener.accept()) != null) {
                c.configureBlocking(false);
                accepted.add(c);
                c.write(hostData.clear());
            }
            while (udpSink.receive(sink.clear()) != null) { }
        } catch (IOException e) {
            // A host peer going away is part of the game.
        }
    }

    /** See the class comment. Frames too short for the headers we rewrite are left alone. */
    void confine(ByteBuffer f, int len) {
        if (len < 14 + 20 || Short.toUnsignedInt(f.getShort(12)) != 0x0800) return;
        int ip = 14;
        int ihl = (f.get(ip) & 0xF) * 4;
        if (ihl < 20 || ip + ihl > len) return;
        int dst = f.getInt(ip + 16);
        if (!Ipv4Address.inSubnet(dst, NETWORK, 24) && dst != Ipv4Address.BROADCAST) {
            dst = GATEWAY;
            f.putInt(ip + 16, dst);
        }
        int protocol = f.get(ip + 9) & 0xFF;
        int flags = Short.toUnsignedInt(f.getShort(ip + 6));
        boolean firstFragment = (flags & Ipv4Packet.FRAGMENT_OFFSET_MASK) == 0;
        int l4 = ip + ihl;
        boolean tcp = protocol == Ipv4Packet.PROTOCOL_TCP, udp = protocol == Ipv4Packet.PROTOCOL_UDP;
        if (dst == GATEWAY && firstFragment && (tcp || udp) && l4 + 4 <= len) {
            int port = Short.toUnsignedInt(f.getShort(l4 + 2));
            int target = tcp ? ((port & 1) == 0 ? tcpListenPort : tcpClosedPort) : ((port & 1) == 0 ? udpSinkPort : udpClosedPort);
            f.putShort(l4 + 2, (short) target);
        }
        f.putShort(ip + 10, (short) 0);
        f.putShort(ip + 10, (short) Checksum.compute(f, ip, ihl));
        int total = Short.toUnsignedInt(f.getShort(ip + 2));
        boolean whole = (flags & (Ipv4Packet.FLAG_MF | Ipv4Packet.FRAGMENT_OFFSET_MASK)) == 0;
        if (!whole || total < ihl || ip + total > len) return;
        int l4Length = total - ihl;
        int sumOffset = tcp ? 16 : udp ? 6 : protocol == Ipv4Packet.PROTOCOL_ICMP ? 2 : -1;
        if (sumOffset < 0 || l4Length < sumOffset + 2) return;
        f.putShort(l4 + sumOffset, (short) 0);
        int sum = protocol == Ipv4Packet.PROTOCOL_ICMP ? 0
                : Checksum.pseudoHeaderV4(f.getInt(ip + 12), dst, protocol, l4Length);
        int c = Checksum.fold(Checksum.add(sum, f, l4, l4Length));
        if (udp && c == 0) c = 0xFFFF;
        f.putShort(l4 + sumOffset, (short) c);
    }

    @Override
    public void close() {
        stack.close();
        serveHost(); // connections that completed during close
        for (SocketChannel c : accepted) {
            try { c.close(); } catch (IOException ignored) { }
        }
    }
}
