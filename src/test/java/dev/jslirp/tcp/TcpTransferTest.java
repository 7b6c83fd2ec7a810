package dev.jslirp.tcp;

import dev.jslirp.wire.Seq;
import dev.jslirp.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static dev.jslirp.tcp.TcpHarness.MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Large transfers both ways through the engine, with a link that drops and reorders
 * segments in both directions (seeded, so deterministic) and a host socket that takes
 * only a little per loop turn. The host must get exactly the guest's bytes and the guest
 * exactly the host's.
 */
class TcpTransferTest {
    static final int GUEST_SHIFT = 2;
    static final int GUEST_WINDOW = 96 * 1024;

    @Test
    void fiveMegabytesEachWayThroughALossyReorderingLinkAndASlowHost() {
        Result r = run(new Random(42), 5 * 1024 * 1024, true, TcpHarness.ISS, TcpHarness.IRS, 0.02, 0.05, 8 * 1024);
        assertTrue(r.engineRetransmissions > 0, "the link did lose segments");
        assertTrue(r.zeroWindows > 0, "the slow host closed the window");
    }

    @Test
    void hostOpenedTransferAcrossTheSequenceWrap() {
        run(new Random(7), 1024 * 1024, false, 0xFFF0_0000, 0xFFF8_0000, 0.03, 0.10, 48 * 1024);
    }

    @Test
    void cleanLinkNeedsNoRetransmission() {
        Result r = run(new Random(1), 2 * 1024 * 1024, true, 123, 456, 0, 0, 48 * 1024);
        assertEquals(0, r.engineRetransmissions);
    }

    record Result(long steps, long engineRetransmissions, long zeroWindows) {}

    private Result run(Random random, int size, boolean guestOpens, int iss, int irs, double loss, double reorder,
                       int hostDrainPerStep) {
        TcpHarness h = new TcpHarness(TcpConfig.DEFAULT, 64 * 1024, 32 * 1024);
        h.iss = iss;
        h.irs = irs;
        h.host.readChunk = 3000;
        h.host.writeChunk = 1000; // slow host writer: 1000 bytes per call, hostDrainPerStep per turn
        byte[] up = new byte[size];     // guest → host
        byte[] down = new byte[size];   // host → guest
        random.nextBytes(up);
        random.nextBytes(down);
        SimGuest guest = new SimGuest(up, size, irs + 1, iss + 1);

        if (guestOpens) {
            h.listen(GuestSeg.syn(irs).withWindowScale(GUEST_SHIFT).withSackPermitted(false));
            h.conn.onHostConnected(h.now);
            h.expect(TcpSegment.SYN | TcpSegment.ACK, iss, irs + 1);
            h.send(GuestSeg.ack(irs + 1, iss + 1).withWindow(GUEST_WINDOW >> GUEST_SHIFT));
        } else {
            h.synSent();
            h.send(GuestSeg.syn(irs).withFlags(TcpSegment.SYN | TcpSegment.ACK).withAck(iss + 1)
                    .withWindowScale(GUEST_SHIFT).withSackPermitted(false).withWindow(GUEST_WINDOW >> GUEST_SHIFT));
            h.expectAck(iss + 1, irs + 1);
        }
        assertEquals(TcpState.ESTABLISHED, h.conn.state());
        guest.engineShift = TcpConfig.DEFAULT.windowScale();

        byte[] hostGot = new byte[size];
        int hostGotLength = 0;
        int downFed = 0;
        List<Seg> toGuest = new ArrayList<>();
        List<GuestSeg> toEngine = new ArrayList<>();
        long step = 0;
        long zeroWindows = 0;
        while (true) {
            if (++step > 400_000) fail("transfer did not finish: " + h.conn + " guest " + guest);
            // host peer: feed the socket, EOF at the end; drain what the engine wrote
            if (downFed < size) {
                downFed += h.host.fromHost.put(down, downFed, size - downFed);
                if (downFed == size) h.host.eof = true;
            }
            if (h.host.wantRead && !h.host.closed) h.conn.onHostReadable(h.now);
            // the host peer also stalls now and then, long enough to fill our receive buffer
            int budget = step % 1000 < 300 ? 0 : hostDrainPerStep;
            int drained = h.host.toHost.take(hostGot, hostGotLength, Math.min(budget, size - hostGotLength));
            hostGotLength += drained;
            if (h.host.toHost.size() > 0 && hostGotLength == size) fail("host got more bytes than the guest sent");
            if (h.host.wantWrite && !h.host.closed) h.conn.onHostWritable(h.now);
            if (h.conn.nextDeadlineNs() - h.now <= 0) h.conn.onTimer(h.now);

            // link engine → guest
            for (Seg s : h.sink.segments) if (s.window() == 0 && !s.has(TcpSegment.RST)) zeroWindows++;
            toGuest.addAll(h.sink.segments);
            h.sink.segments.clear();
            List<Seg> lateToGuest = new ArrayList<>();
            for (Seg s : toGuest) {
                double p = random.nextDouble();
                if (p < loss) continue;
                if (p < loss + reorder) { lateToGuest.add(s); continue; }
                guest.onSegment(s, toEngine);
            }
            toGuest = lateToGuest;

            guest.onTick(h.now, toEngine);

            // link guest → engine
            List<GuestSeg> lateToEngine = new ArrayList<>();
            for (GuestSeg s : toEngine) {
                double p = random.nextDouble();
                if (p < loss) continue;
                if (p < loss + reorder) { lateToEngine.add(s); continue; }
                h.send(s);
            }
            toEngine = lateToEngine;

            if (guest.reset) fail("the engine reset the connection: " + h.conn);
            if (h.conn.isClosed() && guest.finReceived && hostGotLength == size && guest.finAcked) break;
            h.now += MS;
        }
        assertArrayEquals(up, hostGot, "host received exactly the guest's bytes");
        assertEquals(size, guest.rcvNxtOffset);
        assertArrayEquals(down, guest.received, "guest received exactly the host's bytes");
        assertTrue(h.host.outputShut);
        assertTrue(h.host.closed);
        assertEquals(false, h.host.aborted);
        assertEquals(size, h.conn.bytesFromGuest());
        assertEquals(size, h.conn.bytesToGuest());
        return new Result(step, h.conn.retransmissions(), zeroWindows);
    }

    /**
     * A small TCP in the guest: go-back-N sender with a fixed RTO and fast retransmit,
     * a receiver that keeps out-of-order bytes. Just enough to talk to the engine.
     */
    static final class SimGuest {
        static final long RTO_NS = 300 * MS;
        final byte[] up;
        final byte[] received;
        final BitSet got;
        final int sndBase;     // seq of the guest's first data byte
        final int rcvBase;     // seq of the engine's first data byte
        int engineShift;
        int upAcked;           // bytes the engine acknowledged
        int upNext;            // next byte to send
        boolean finSent;
        boolean finAcked;
        int peerWindow = GUEST_WINDOW;
        int dupAcks;
        long rtoDeadlineNs = Long.MAX_VALUE;
        int rcvNxtOffset;
        boolean finReceived;
        boolean reset;
        boolean probe;

        SimGuest(byte[] up, int downSize, int sndBase, int rcvBase) {
            this.up = up;
            this.received = new byte[downSize];
            this.got = new BitSet(downSize);
            this.sndBase = sndBase;
            this.rcvBase = rcvBase;
        }

        int sndNxt() { return sndBase + upNext + (finSent ? 1 : 0); }

        int rcvNxt() { return rcvBase + rcvNxtOffset + (finReceived ? 1 : 0); }

        void onSegment(Seg s, List<GuestSeg> out) {
            if (s.has(TcpSegment.RST)) { reset = true; return; }
            int ackOffset = Seq.diff(s.ack(), sndBase);
            if (ackOffset > upAcked && ackOffset <= upNext + (finSent ? 1 : 0)) {
                upAcked = Math.min(ackOffset, up.length);
                if (ackOffset == up.length + 1) finAcked = true;
                dupAcks = 0;
                rtoDeadlineNs = Long.MAX_VALUE;
            } else if (ackOffset == upAcked && s.length() == 0 && !s.has(TcpSegment.FIN) && upNext > upAcked) {
                if (++dupAcks == 3) sendData(upAcked, Math.min(1460, upNext - upAcked), out);
            }
            if (ackOffset >= upAcked) peerWindow = s.window() << engineShift;

            int offset = Seq.diff(s.seq(), rcvBase);
            int len = s.length();
            boolean occupiesSequence = len > 0 || s.has(TcpSegment.FIN);
            int from = Math.max(offset, rcvNxtOffset);
            int to = Math.min(offset + len, Math.min(rcvNxtOffset + GUEST_WINDOW, received.length));
            if (len > 0 && offset + len > received.length) throw new AssertionError("engine sent beyond the host's data");
            for (int i = from; i < to; i++) {
                byte b = s.data()[i - offset];
                if (got.get(i) && received[i] != b) throw new AssertionError("retransmission differs at " + i);
                received[i] = b;
                got.set(i);
            }
            rcvNxtOffset = got.nextClearBit(rcvNxtOffset);
            if (s.has(TcpSegment.FIN) && offset + len == rcvNxtOffset) finReceived = true;
            if (occupiesSequence) out.add(ack());
        }

        GuestSeg ack() {
            return GuestSeg.ack(sndNxt(), rcvNxt()).withWindow(GUEST_WINDOW >> GUEST_SHIFT);
        }

        void onTick(long nowNs, List<GuestSeg> out) {
            if (rtoDeadlineNs != Long.MAX_VALUE && nowNs - rtoDeadlineNs >= 0) {
                upNext = upAcked; // go back N
                if (!finAcked) finSent = false;
                probe = true;
                rtoDeadlineNs = Long.MAX_VALUE;
            }
            while (upNext < up.length) {
                int room = upAcked + peerWindow - upNext;
                if (room <= 0) {
                    if (!probe) break;
                    room = 1;
                }
                probe = false;
                int n = Math.min(1460, Math.min(room, up.length - upNext));
                sendData(upNext, n, out);
                upNext += n;
            }
            if (upNext == up.length && !finSent) {
                finSent = true;
                out.add(GuestSeg.ack(sndBase + up.length, rcvNxt()).plus(TcpSegment.FIN)
                        .withWindow(GUEST_WINDOW >> GUEST_SHIFT));
            }
            boolean outstanding = upAcked < up.length || (finSent && !finAcked);
            if (!outstanding) rtoDeadlineNs = Long.MAX_VALUE;
            else if (rtoDeadlineNs == Long.MAX_VALUE) rtoDeadlineNs = nowNs + RTO_NS;
        }

        void sendData(int offset, int n, List<GuestSeg> out) {
            byte[] payload = java.util.Arrays.copyOfRange(up, offset, offset + n);
            out.add(GuestSeg.ack(sndBase + offset, rcvNxt()).withWindow(GUEST_WINDOW >> GUEST_SHIFT).withData(payload));
        }

        @Override
        public String toString() {
            return "upAcked=" + upAcked + " upNext=" + upNext + " finSent=" + finSent + " finAcked=" + finAcked
                    + " rcvNxtOffset=" + rcvNxtOffset + " finReceived=" + finReceived + " peerWindow=" + peerWindow;
        }
    }
}
