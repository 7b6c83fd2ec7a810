package dev.jslirp.bench;

import dev.jslirp.config.Config;
import dev.jslirp.iface.Counters;
import dev.jslirp.iface.GuestFrameWriter;
import dev.jslirp.iface.Interface;
import dev.jslirp.iface.Ipv4Reassembler;
import dev.jslirp.link.Link;
import dev.jslirp.link.MemoryLink;
import dev.jslirp.tcp.TcpConfig;
import dev.jslirp.tcp.TcpConnection;
import dev.jslirp.tcp.TcpState;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.TcpOptions;
import dev.jslirp.wire.TcpSegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A real 1514-byte TCP data frame from the guest through {@link Interface#receive}: Ethernet
 * and IPv4 checks, then a TCP handler doing what the NAT does for an established flow (TCP
 * length and checksum check, options, {@link TcpConnection#onGuestSegment}), and our ACKs
 * built by the real {@link GuestFrameWriter}. The flow lookup and host socket write of
 * {@code TcpNat} are not included (the host is {@link NullHost}).
 *
 * <p>{@code link=null}: frames come from a reused direct buffer and leave into a
 * {@link NullLink}: the stack's own cost, and with {@code -prof gc} its own allocation.
 * {@code link=memory}: frames go in and out through {@link MemoryLink}, which copies every
 * frame into a new byte[] by design (a test double): its allocation shows in the GC figures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InterfaceBench {
    static final int PAYLOAD = 1460;

    @Param({"null", "memory"})
    public String link;

    private Link theLink;
    private MemoryLink memoryLink;
    private Interface iface;
    private final ByteBuffer frame = ByteBuffer.allocateDirect(2048);
    private final ByteBuffer rx = ByteBuffer.allocateDirect(2048);
    private final byte[] frameBytes = new byte[Frames.TCP_OFFSET + TcpSegment.HEADER_LENGTH + PAYLOAD];
    private final TcpSegment seg = new TcpSegment();
    private final TcpOptions opts = new TcpOptions();
    private final NullHost host = new NullHost();
    private TcpConnection conn;
    private int frameLength;
    private int guestSeq;
    private long now = 1_000_000_000L;

    @Setup
    public void setUp() {
        Config config = Config.builder().build();
        if (link.equals("memory")) {
            memoryLink = new MemoryLink(65535 + 14);
            theLink = memoryLink;
        } else {
            theLink = new NullLink();
        }
        Counters counters = new Counters();
        GuestFrameWriter writer = new GuestFrameWriter(theLink, counters, config.gatewayMac(), config.gateway(), 1500);
        writer.guestMac(Frames.GUEST_MAC);
        iface = new Interface(config, counters, writer, new Ipv4Reassembler());
        iface.handlers(new Interface.Handlers(this::onTcp, (ip, t) -> { }, (ip, t) -> { }));
        conn = new TcpConnection(TcpConfig.DEFAULT, writer, host, ByteBuffer.allocateDirect(64 * 1024),
                Frames.GUEST_ADDR, Frames.GUEST_PORT, Frames.GATEWAY_ADDR, Frames.PEER_PORT);
        int irs = 50_000;
        frameLength = Frames.tcpData(frame, irs, 0, 0);
        int length = TcpSegment.HEADER_LENGTH + TcpOptions.emitMss(frame, Frames.TCP_OFFSET + 20, 1460)
                + TcpOptions.emitWindowScale(frame, Frames.TCP_OFFSET + 24, 7);
        TcpSegment.emitHeader(frame, Frames.TCP_OFFSET, Frames.GUEST_PORT, Frames.PEER_PORT, irs, 0, TcpSegment.SYN,
                65535, length - TcpSegment.HEADER_LENGTH);
        seg.wrap(frame, Frames.TCP_OFFSET, length);
        opts.parse(seg);
        conn.acceptGuestSyn(seg, opts, 10_000);
        conn.onHostConnected(now);
        guestSeq = irs + 1;
        frameLength = Frames.tcpData(frame, guestSeq, 10_001, 0);
        iface.receive(frame, 0, frameLength, now);  // the handshake's final ACK
        if (conn.state() != TcpState.ESTABLISHED) throw new IllegalStateException("not established: " + conn);
        frameLength = Frames.tcpData(frame, guestSeq, 10_001, PAYLOAD);
        drain();
    }

    /** What TcpNat does with an established flow's segment, minus the flow lookup. */
    private void onTcp(Ipv4Packet ip, long nowNs) {
        seg.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        if (!seg.checkLength() || !seg.verifyChecksum(ip.pseudoHeaderSum()) || !opts.parse(seg)) return;
        conn.onGuestSegment(seg, opts, nowNs);
    }

    @Benchmark
    public long receiveTcpData() {
        Frames.rewriteTcp(frame, guestSeq, 10_001, TcpSegment.ACK | TcpSegment.PSH, PAYLOAD);
        guestSeq += PAYLOAD;
        now += 10_000;
        if (memoryLink == null) {
            iface.receive(frame, 0, frameLength, now);
        } else {
            frame.get(0, frameBytes, 0, frameLength);
            memoryLink.injectFromGuest(frameBytes);
            int n = memoryLink.receive(rx, 0, rx.capacity());
            iface.receive(rx, 0, n, now);
            drain();
        }
        if (conn.nextDeadlineNs() - now <= 0) conn.onTimer(now);
        return host.written;
    }

    private void drain() {
        if (memoryLink != null) while (memoryLink.takeToGuest() != null) { /* the guest takes our ACKs */ }
    }
}
