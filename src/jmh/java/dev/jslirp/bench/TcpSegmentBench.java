package dev.jslirp.bench;

import dev.jslirp.iface.Counters;
import dev.jslirp.iface.GuestFrameWriter;
import dev.jslirp.tcp.TcpConfig;
import dev.jslirp.tcp.TcpConnection;
import dev.jslirp.tcp.TcpState;
import dev.jslirp.wire.MacAddress;
import dev.jslirp.wire.TcpOptions;
import dev.jslirp.wire.TcpSegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One established {@link TcpConnection} with a host that takes and has everything
 * ({@link NullHost}) and the real {@link GuestFrameWriter} over a {@link NullLink}, so the
 * figures are the engine's plus frame building (headers, checksums), nothing else.
 *
 * <ul>
 *   <li>{@code guestDataIn}: a 1460-byte data segment from the guest (its header and checksum
 *       rewritten each time, as a guest would: about one 1500-byte checksum of the cost) is
 *       taken, written to the host, and acknowledged.</li>
 *   <li>{@code hostDataOut}: 2920 bytes become readable on the host socket; the engine reads them
 *       and sends two full segments to the guest, which then acknowledges them.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TcpSegmentBench {
    static final int PAYLOAD = 1460;
    static final long MS = 1_000_000L;

    private final NullLink link = new NullLink();
    private final NullHost host = new NullHost();
    private final GuestFrameWriter writer = new GuestFrameWriter(link, new Counters(), MacAddress.GATEWAY_DEFAULT,
            Frames.GATEWAY_ADDR, 1500);
    private final ByteBuffer frame = ByteBuffer.allocateDirect(2048);
    private final TcpSegment seg = new TcpSegment();
    private final TcpOptions opts = new TcpOptions();
    private TcpConnection conn;
    private int guestSeq;
    private int ourSeq;   // what the guest has acknowledged so far, as it would
    private long now = 1_000 * MS;

    @Setup
    public void setUp() {
        writer.guestMac(Frames.GUEST_MAC);
        conn = new TcpConnection(TcpConfig.DEFAULT, writer, host, ByteBuffer.allocateDirect(64 * 1024),
                Frames.GUEST_ADDR, Frames.GUEST_PORT, Frames.GATEWAY_ADDR, Frames.PEER_PORT);
        // The guest's SYN (MSS 1460, window scale 7) is written as real bytes and parsed.
        int irs = 50_000;
        int length = TcpSegment.HEADER_LENGTH + TcpOptions.emitMss(frame, Frames.TCP_OFFSET + 20, 1460)
                + TcpOptions.emitWindowScale(frame, Frames.TCP_OFFSET + 24, 7);
        length += TcpOptions.emitSackPermitted(frame, Frames.TCP_OFFSET + length);
        TcpSegment.emitHeader(frame, Frames.TCP_OFFSET, Frames.GUEST_PORT, Frames.PEER_PORT, irs, 0, TcpSegment.SYN,
                65535, length - TcpSegment.HEADER_LENGTH);
        seg.wrap(frame, Frames.TCP_OFFSET, length);
        opts.parse(seg);
        if (!conn.acceptGuestSyn(seg, opts, 10_000)) throw new IllegalStateException("SYN refused");
        conn.onHostConnected(now);
        guestSeq = irs + 1;
        ourSeq = 10_001;
        guestSegment(TcpSegment.ACK, 0);
        if (conn.state() != TcpState.ESTABLISHED) throw new IllegalStateException("not established: " + conn);
    }

    @Benchmark
    public long guestDataIn() {
        guestSegment(TcpSegment.ACK | TcpSegment.PSH, PAYLOAD);
        tick();
        return host.written;
    }

    @Benchmark
    public long hostDataOut() {
        host.readable = 2 * PAYLOAD;
        conn.onHostReadable(now);
        ourSeq += 2 * PAYLOAD;
        guestSegment(TcpSegment.ACK, 0);
        tick();
        return link.bytesSent;
    }

    private void tick() {
        now += 10_000;  // 10 µs a segment
        if (conn.nextDeadlineNs() - now <= 0) conn.onTimer(now);
    }

    private void guestSegment(int flags, int payloadLength) {
        Frames.rewriteTcp(frame, guestSeq, ourSeq, flags, payloadLength);
        seg.wrap(frame, Frames.TCP_OFFSET, TcpSegment.HEADER_LENGTH + payloadLength);
        opts.parse(seg);
        conn.onGuestSegment(seg, opts, now);
        guestSeq += payloadLength;
    }
}
