package dev.jslirp.tcp;

import dev.jslirp.wire.TcpOptions;
import dev.jslirp.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static dev.jslirp.tcp.TcpHarness.GUEST_ADDR;
import static dev.jslirp.tcp.TcpHarness.GUEST_PORT;
import static dev.jslirp.tcp.TcpHarness.IRS;
import static dev.jslirp.tcp.TcpHarness.ISS;
import static dev.jslirp.tcp.TcpHarness.PEER_ADDR;
import static dev.jslirp.tcp.TcpHarness.PEER_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * STYLE §3: the steady-state data path allocates nothing. Host data to the guest, the
 * guest's ACKs, guest data to the host and our ACKs, all in a loop; the thread's allocation
 * counter must not move.
 */
class TcpAllocationTest {
    static final long MS = 1_000_000L;

    /** Remembers the last segment in fields, so the sink itself does not allocate. */
    static final class CountingSink implements GuestSegmentSink {
        int segments;
        int endSeq;
        long payloadBytes;

        @Override
        public boolean sendSegment(int guestAddr, int guestPort, int peerAddr, int peerPort, int seq, int ack,
                                   int flags, int window, int mss, int windowScale, boolean sackPermitted,
                                   ByteBuffer data, int dataOffset, int dataLength) {
            segments++;
            payloadBytes += dataLength;
            int end = seq + dataLength + ((flags & (TcpSegment.SYN | TcpSegment.FIN)) != 0 ? 1 : 0);
            if (end - endSeq > 0 || segments == 1) endSeq = end;
            return true;
        }
    }

    final CountingSink sink = new CountingSink();
    final FakeHostStream host = new FakeHostStream(1 << 20, 1 << 20);
    final TcpConnection conn = new TcpConnection(TcpHarness.CONFIG, sink, host, ByteBuffer.allocateDirect(64 * 1024),
            GUEST_ADDR, GUEST_PORT, PEER_ADDR, PEER_PORT);
    final ByteBuffer frame = ByteBuffer.allocateDirect(2048);
    final ByteBuffer hostSource = ByteBuffer.allocateDirect(4096);
    final TcpSegment view = new TcpSegment();
    final TcpOptions opts = new TcpOptions();
    int guestSeq = IRS + 1;
    long now = 1_000 * MS;

    @Test
    void steadyStateDataLoopDoesNotAllocate() {
        int synLength = GuestSeg.syn(IRS).emit(frame, 0);
        view.wrap(frame, 0, synLength);
        opts.parse(view);
        conn.acceptGuestSyn(view, opts, ISS);
        conn.onHostConnected(now);
        guestSegment(TcpSegment.ACK, 0);
        assertEquals(TcpState.ESTABLISHED, conn.state());

        for (int i = 0; i < 20_000; i++) iteration();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // One allocation per iteration would be at least 16 bytes x 10,000. What can still show
        // up is the JIT recompiling a method in the middle of a round (a few dozen bytes, once),
        // so measure up to five rounds and take the quietest.
        long quietest = Long.MAX_VALUE;
        int rounds = 0;
        while (rounds < 5 && quietest > 0) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) iteration();
            quietest = Math.min(quietest, threads.getCurrentThreadAllocatedBytes() - before);
            rounds++;
        }

        assertEquals(0, quietest, "bytes allocated in the quietest of " + rounds + " rounds of 10,000 steady-state iterations");
        assertEquals(TcpState.ESTABLISHED, conn.state());
        assertEquals((20_000L + rounds * 10_000L) * 1000, conn.bytesFromGuest());
        assertEquals((20_000L + rounds * 10_000L) * 2920, conn.bytesToGuest());
    }

    private void iteration() {
        host.fromHost.put(hostSource, 0, 2920);
        conn.onHostReadable(now);              // two full segments to the guest
        guestSegment(TcpSegment.ACK, 0);       // the guest acknowledges them
        guestSegment(TcpSegment.ACK | TcpSegment.PSH, 1000); // and sends 1000 bytes
        host.toHost.skip(host.toHost.size());  // the host peer reads them
        now += MS;
        if (conn.nextDeadlineNs() - now <= 0) conn.onTimer(now);
    }

    /** Rewrites the reused frame in place: header, (stale but harmless) payload, checksum. */
    private void guestSegment(int flags, int payloadLength) {
        TcpSegment.emitHeader(frame, 0, GUEST_PORT, PEER_PORT, guestSeq, sink.endSeq, flags,
                TcpHarness.GUEST_WINDOW_FIELD, 0);
        int length = TcpSegment.HEADER_LENGTH + payloadLength;
        TcpSegment.fillChecksum(frame, 0, length, GUEST_ADDR, PEER_ADDR);
        view.wrap(frame, 0, length);
        opts.parse(view);
        conn.onGuestSegment(view, opts, now);
        guestSeq += payloadLength;
    }
}
