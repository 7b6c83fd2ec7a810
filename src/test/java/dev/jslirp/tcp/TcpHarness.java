package dev.jslirp.tcp;

import dev.jslirp.wire.Checksum;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.TcpOptions;
import dev.jslirp.wire.TcpSegment;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One connection under test with its fake host socket, the capturing guest sink, and the
 * time. Factories drive it into each RFC state through real segments.
 */
final class TcpHarness {
    static final int GUEST_ADDR = 0x0A00020F;  // 10.0.2.15
    static final int GUEST_PORT = 40000;
    static final int PEER_ADDR = 0x0A000202;   // 10.0.2.2
    static final int PEER_PORT = 8080;
    static final int ISS = 10_000;
    static final int IRS = 50_000;
    /** The guest's window field after the handshake: 512 << 7 = 64 KiB. */
    static final int GUEST_WINDOW_FIELD = 512;
    static final long MS = 1_000_000L;
    /** Small buffers keep window arithmetic readable: 64 KiB each way, our shift 7 → field 512. */
    /** Keep-alive off, so that "no timer armed" means what the tests say; the keep-alive tests turn it on. */
    static final TcpConfig CONFIG = TcpConfig.DEFAULT.withBuffers(64 * 1024, 64 * 1024).withKeepaliveIdle(0);

    final TcpConfig config;
    final FakeHostStream host;
    final CapturingSink sink = new CapturingSink();
    final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    final TcpConnection conn;
    final ByteBuffer guestFrame = ByteBuffer.allocateDirect(70_000);
    final TcpSegment view = new TcpSegment();
    final TcpOptions opts = new TcpOptions();
    int iss = ISS;
    int irs = IRS;
    long now = 5_000 * MS;

    TcpHarness() { this(CONFIG); }

    TcpHarness(TcpConfig config) { this(config, 8 * 1024 * 1024, 8 * 1024 * 1024); }

    TcpHarness(TcpConfig config, int fromHostCapacity, int toHostCapacity) {
        this.config = config;
        this.host = new FakeHostStream(fromHostCapacity, toHostCapacity);
        this.conn = new TcpConnection(config, sink, host, scratch, GUEST_ADDR, GUEST_PORT, PEER_ADDR, PEER_PORT);
    }

    /** Emits {@code s} as real bytes, checks them as the interface layer would, and parses the options. */
    TcpSegment wire(GuestSeg s) {
        int length = s.emit(guestFrame, 0);
        view.wrap(guestFrame, 0, length);
        assertTrue(view.checkLength());
        assertTrue(view.verifyChecksum(Checksum.pseudoHeaderV4(GUEST_ADDR, PEER_ADDR, Ipv4Packet.PROTOCOL_TCP, length)));
        assertTrue(opts.parse(view));
        return view;
    }

    void send(GuestSeg s) {
        conn.onGuestSegment(wire(s), opts, now);
    }

    void advanceMs(long ms) {
        now += ms * MS;
        if (conn.nextDeadlineNs() - now <= 0) conn.onTimer(now);
    }

    /** Moves the time to the next deadline and fires it. */
    long fireNextTimer() {
        long deadline = conn.nextDeadlineNs();
        assertTrue(deadline != Long.MAX_VALUE, "no timer armed");
        now = deadline;
        conn.onTimer(now);
        return deadline;
    }

    Seg expect(int flags, int seq, int ack) {
        Seg s = sink.segments.poll();
        assertNotNull(s, "expected a segment, got none");
        assertEquals(TcpSegment.flagsToString(flags), TcpSegment.flagsToString(s.flags()), () -> "flags of " + s);
        assertEquals(Integer.toUnsignedString(seq), Integer.toUnsignedString(s.seq()), () -> "seq of " + s);
        if ((flags & TcpSegment.ACK) != 0) {
            assertEquals(Integer.toUnsignedString(ack), Integer.toUnsignedString(s.ack()), () -> "ack of " + s);
        }
        return s;
    }

    Seg expectAck(int seq, int ack) { return expect(TcpSegment.ACK, seq, ack); }

    void expectNothing() {
        assertNull(sink.segments.peek(), () -> "expected nothing, got " + sink.segments);
    }

    void hostSends(byte[] data) {
        host.hostSends(data);
        conn.onHostReadable(now);
    }

    void hostEof() {
        host.eof = true;
        conn.onHostReadable(now);
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed + i * 7 + (i >>> 8));
        return b;
    }

    // ------------------------------------------------------------------ state factories

    static GuestSeg guestSyn() { return GuestSeg.syn(IRS); }

    TcpHarness listen() { return listen(GuestSeg.syn(irs)); }

    TcpHarness listen(GuestSeg syn) {
        assertTrue(conn.acceptGuestSyn(wire(syn), opts, iss));
        assertEquals(TcpState.LISTEN, conn.state());
        expectNothing();
        return this;
    }

    TcpHarness synReceived() {
        listen();
        conn.onHostConnected(now);
        expect(TcpSegment.SYN | TcpSegment.ACK, iss, irs + 1);
        assertEquals(TcpState.SYN_RECEIVED, conn.state());
        return this;
    }

    TcpHarness established() {
        synReceived();
        send(GuestSeg.ack(irs + 1, iss + 1));
        expectNothing();
        assertEquals(TcpState.ESTABLISHED, conn.state());
        assertTrue(host.wantRead);
        return this;
    }

    TcpHarness synSent() {
        conn.openToGuest(iss, now);
        expect(TcpSegment.SYN, iss, 0);
        assertEquals(TcpState.SYN_SENT, conn.state());
        return this;
    }

    TcpHarness establishedFromHost() {
        synSent();
        send(GuestSeg.syn(irs).withFlags(TcpSegment.SYN | TcpSegment.ACK).withWindowScale(7).withSackPermitted(false)
                .withAck(iss + 1));
        expectAck(iss + 1, irs + 1);
        assertEquals(TcpState.ESTABLISHED, conn.state());
        return this;
    }

    TcpHarness finWait1() {
        established();
        hostEof();
        expect(TcpSegment.FIN | TcpSegment.ACK, iss + 1, irs + 1);
        assertEquals(TcpState.FIN_WAIT_1, conn.state());
        return this;
    }

    TcpHarness finWait2() {
        finWait1();
        send(GuestSeg.ack(irs + 1, iss + 2));
        expectNothing();
        assertEquals(TcpState.FIN_WAIT_2, conn.state());
        return this;
    }

    TcpHarness closeWait() {
        established();
        send(GuestSeg.ack(irs + 1, iss + 1).plus(TcpSegment.FIN));
        expectAck(iss + 1, irs + 2);
        assertEquals(TcpState.CLOSE_WAIT, conn.state());
        assertTrue(host.outputShut);
        return this;
    }

    TcpHarness lastAck() {
        closeWait();
        hostEof();
        expect(TcpSegment.FIN | TcpSegment.ACK, iss + 1, irs + 2);
        assertEquals(TcpState.LAST_ACK, conn.state());
        return this;
    }

    TcpHarness closing() {
        finWait1();
        send(GuestSeg.ack(irs + 1, iss + 1).plus(TcpSegment.FIN));
        expectAck(iss + 2, irs + 2);
        assertEquals(TcpState.CLOSING, conn.state());
        return this;
    }

    TcpHarness timeWait() {
        finWait2();
        send(GuestSeg.ack(irs + 1, iss + 2).plus(TcpSegment.FIN));
        expectAck(iss + 2, irs + 2);
        assertEquals(TcpState.TIME_WAIT, conn.state());
        assertTrue(host.closed);
        assertFalse(host.aborted);
        return this;
    }
}
