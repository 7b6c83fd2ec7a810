package dev.jslirp.tcp;

import dev.jslirp.wire.Seq;
import dev.jslirp.wire.TcpOptions;
import dev.jslirp.wire.TcpSegment;

import java.nio.ByteBuffer;

/**
 * One terminated TCP connection: the guest's end of it speaks TCP with us, the host's end
 * is a {@link HostStream}, and we relay the byte stream between them.
 *
 * <h2>Theory of operation</h2>
 * <ul>
 * <li><b>Opening.</b> Guest opens: the flow layer starts a non-blocking host connect and
 *   hands us the SYN ({@link #acceptGuestSyn}, state {@link TcpState#LISTEN}); we answer
 *   with SYN-ACK only once {@link #onHostConnected} says the host accepted, or with RST
 *   when it refused ({@link #onHostConnectFailed}). Host opens (port forward): we send SYN
 *   ({@link #openToGuest}) and retransmit it until the guest answers.</li>
 * <li><b>Guest→host.</b> Acceptable text goes into the bounded {@link ReceiveBuffer}
 *   (out-of-order segments included) and from there to the host socket as fast as it takes
 *   it. The window we advertise is the free space, so a slow host closes the window.</li>
 * <li><b>Host→guest.</b> Host reads fill the {@link SendBuffer}; when it is full we stop
 *   asking to read (backpressure reaches the host peer through its socket). Segments of at
 *   most the guest's MSS go out within the guest's window; what is unacknowledged stays
 *   in the buffer for retransmission (RFC 6298 timer, go-back-N from SND.UNA on timeout,
 *   fast retransmit of one segment on three duplicate ACKs, zero-window probes).</li>
 * <li><b>Closing.</b> Each direction closes on its own: host EOF becomes our FIN after the
 *   buffered data; the guest's FIN becomes {@link HostStream#shutdownOutput} after its data
 *   reached the host. RST either way aborts both.</li>
 * </ul>
 * Segment handling keeps smoltcp's three questions apart: is the segment acceptable
 * ({@link #isAcceptable}), how does it change our state (the {@code on...} steps, in RFC
 * 9293 §3.10.7 order), and what do we send now ({@link #dispatch}). No congestion control:
 * the guest link is a local wire (passt makes the same choice).
 *
 * <p>One thread owns a connection; every method takes the time. The per-segment paths do
 * not allocate: host I/O goes through the caller's scratch buffer, segments are handed to
 * the {@link GuestSegmentSink} as (buffer, offset, length).
 */
public final class TcpConnection {
    /** RFC 9293 §3.7.1: the MSS to assume when the SYN carries none. */
    static final int DEFAULT_GUEST_MSS = 536;
    /** Smallest guest MSS we honour; a smaller one would turn a stream into 1-byte segments (Linux: TCP_MIN_SND_MSS). */
    static final int MIN_GUEST_MSS = 48;
    static final int ECONNREFUSED = 111;
    static final int ENETUNREACH = 101;
    static final int ETIMEDOUT = 110;
    static final int EHOSTUNREACH = 113;

    private final TcpConfig config;
    private final GuestSegmentSink sink;
    private final HostStream host;
    private final ByteBuffer scratch;
    private int guestAddr;
    private int guestPort;
    private int peerAddr;
    private int peerPort;
    private final SendBuffer sendBuffer;
    private final ReceiveBuffer receiveBuffer;
    private final RetransmitTimer rtx;

    private TcpState state = TcpState.CLOSED;

    // RFC 9293 §3.3.1 send sequence variables; windows are in bytes (already scaled).
    private int iss;
    private int sndUna;
    private int sndNxt;
    private int sndWnd;
    private int sndWl1;
    private int sndWl2;
    /** Highest sequence number sent so far: SND.NXT is rewound on timeout, this is not. */
    private int sndMax;
    /** Sequence number of the first byte in {@link #sendBuffer}. */
    private int sndBufSeq;
    /** Largest window the guest ever offered (RFC 5961 §5.2 MAX.SND.WND). */
    private int maxSndWnd;
    /** Largest payload we put in one segment: the guest's MSS, at most ours. */
    private int sndMss = DEFAULT_GUEST_MSS;
    /** Window shift applied to windows the guest sends (its offer) and to ours (our offer). */
    private int sndShift;
    private int rcvShift;
    private boolean guestOfferedWindowScale;

    // RFC 9293 §3.3.1 receive sequence variables.
    private int irs;
    private int rcvNxt;
    /** The window we last advertised, in bytes. */
    private int rcvWnd;

    // Named flags (not a state: each direction closes on its own).
    /** The host read returned EOF; our FIN follows the buffered data. */
    private boolean hostEof;
    /** Host reads are paused because the send buffer is full. */
    private boolean hostReadPaused;
    /** We asked to be told when the host socket takes more. */
    private boolean hostWriteWanted;
    /** The guest's FIN was received in order. */
    private boolean finFromGuest;
    private boolean hostOutputShut;
    private boolean hostClosed;
    /** An ACK must go out in this dispatch unless a data segment carries it. */
    private boolean ackNeeded;
    /** The next send may put one byte beyond a zero window (RFC 9293 §3.8.6.1). */
    private boolean probeWindow;

    // Karn's algorithm: time one segment at a time, never a retransmitted one.
    private boolean rttTiming;
    private int rttSeq;
    private long rttStartNs;
    private int dupAcks;
    /** RFC 6582 loss recovery after a fast retransmit: until SND.UNA reaches {@link #recover}. */
    private boolean inRecovery;
    private int recover;

    /** Deadline of the state's own timer (SYN-RECEIVED, FIN-WAIT-2, TIME-WAIT). */
    private long stateDeadlineNs = Long.MAX_VALUE;

    private long bytesFromGuest;
    private long bytesToGuest;
    private long retransmissions;
    private long droppedSegments;

    /**
     * @param scratch a direct buffer shared by the connections of one loop, at least one
     *     MSS long; used for host reads/writes and for segments that wrap the send ring
     * @param guestAddr the guest's address and port; {@code peerAddr}/{@code peerPort} are
     *     the address and port the guest believes it talks to
     */
    public TcpConnection(TcpConfig config, GuestSegmentSink sink, HostStream host, ByteBuffer scratch,
                         int guestAddr, int guestPort, int peerAddr, int peerPort) {
        this(config, sink, host, scratch, guestAddr, guestPort, peerAddr, peerPort, BufferBudget.UNLIMITED);
    }

    /** @param budget shared by every flow's buffers; see {@link BufferBudget} */
    public TcpConnection(TcpConfig config, GuestSegmentSink sink, HostStream host, ByteBuffer scratch,
                         int guestAddr, int guestPort, int peerAddr, int peerPort, BufferBudget budget) {
        if (scratch.capacity() < config.mss()) {
            throw new IllegalArgumentException("scratch buffer smaller than the MSS");
        }
        this.config = config;
        this.sink = sink;
        this.host = host;
        this.scratch = scratch;
        this.guestAddr = guestAddr;
        this.guestPort = guestPort;
        this.peerAddr = peerAddr;
        this.peerPort = peerPort;
        this.sendBuffer = new SendBuffer(config.sendBufferBytes(), budget);
        this.receiveBuffer = new ReceiveBuffer(config.receiveBufferBytes(), budget);
        this.rtx = new RetransmitTimer(config.initialRtoNs(), config.minRtoNs(), config.maxRtoNs());
    }

    /**
     * Makes this object a new connection between other ends, exactly as if it had just been
     * constructed with them: the flow table reuses the connection object of a freed flow, so
     * that thousands of short connections a second make no garbage (objects that lived a
     * TIME-WAIT were promoted to the old generation and grew the heap). Only for a connection
     * that is finished and whose buffers were released ({@link #releaseBuffers}).
     * {@code TcpConnectionReuseTest} checks field by field that nothing survives.
     */
    void reopen(int guestAddr, int guestPort, int peerAddr, int peerPort) {
        this.guestAddr = guestAddr;
        this.guestPort = guestPort;
        this.peerAddr = peerAddr;
        this.peerPort = peerPort;
        sendBuffer.reopen();
        receiveBuffer.reopen();
        rtx.reset();
        state = TcpState.CLOSED;
        iss = sndUna = sndNxt = sndWnd = sndWl1 = sndWl2 = sndMax = sndBufSeq = maxSndWnd = 0;
        sndMss = DEFAULT_GUEST_MSS;
        sndShift = rcvShift = 0;
        guestOfferedWindowScale = false;
        irs = rcvNxt = rcvWnd = rcvAdvertisedAt = 0;
        hostEof = hostReadPaused = hostWriteWanted = finFromGuest = hostOutputShut = hostClosed = false;
        ackNeeded = probeWindow = rttTiming = inRecovery = false;
        rttSeq = dupAcks = recover = 0;
        rttStartNs = 0;
        stateDeadlineNs = Long.MAX_VALUE;
        bytesFromGuest = bytesToGuest = retransmissions = droppedSegments = 0;
        lastGuestSegmentNs = lastKeepaliveProbeNs = 0;
        keepaliveProbesSent = 0;
    }

    // ------------------------------------------------------------------ opening

    /**
     * Guest opens: keeps its SYN while the host connects (state LISTEN). Nothing is sent.
     * @param iss our initial sequence number (RFC 6528: chosen by the caller)
     * @return false if this is not a plain SYN or the connection is already in use
     */
    public boolean acceptGuestSyn(TcpSegment syn, TcpOptions synOptions, int iss) {
        if (state != TcpState.CLOSED || hostClosed || !syn.syn() || syn.ack() || syn.rst()) {
            return false;
        }
        irs = syn.seq();
        rcvNxt = irs + 1;
        initSend(iss);
        // RFC 7323 §2.2: the window of a SYN is never scaled.
        sndWnd = syn.window();
        maxSndWnd = sndWnd;
        sndWl1 = irs;
        negotiate(synOptions);
        guestOfferedWindowScale = synOptions.windowScale >= 0;
        state = TcpState.LISTEN;
        return true;
    }

    /** The host connect succeeded: answer the held SYN (RFC 9293 §3.10.7.2). */
    public void onHostConnected(long nowNs) {
        if (state != TcpState.LISTEN) return;
        lastGuestSegmentNs = nowNs;
        state = TcpState.SYN_RECEIVED;
        stateDeadlineNs = nowNs + config.synReceivedTimeoutNs();
        dispatch(nowNs);
    }

    /**
     * The host connect failed. Refused (and any error but the ones below) becomes RST|ACK
     * to the guest, as a closed port would answer (RFC 9293 §3.10.7.1). For host/network
     * unreachable and timeout nothing is sent: the caller answers with ICMP instead.
     * Either way the connection is closed.
     * @param errno positive or negative errno
     * @return true if we sent RST, false if the caller should send an ICMP error
     */
    public boolean onHostConnectFailed(int errno, long nowNs) {
        if (state != TcpState.LISTEN) return false;
        closeHost(false);
        state = TcpState.CLOSED;
        int e = Math.abs(errno);
        if (e == EHOSTUNREACH || e == ENETUNREACH || e == ETIMEDOUT) {
            return false;
        }
        emit(0, rcvNxt, TcpSegment.RST | TcpSegment.ACK, 0, -1, -1, null, 0, 0);
        return true;
    }

    /** Host opens (port forward): send SYN to the guest (RFC 9293 §3.10.1, active OPEN). */
    public void openToGuest(int iss, long nowNs) {
        lastGuestSegmentNs = nowNs;
        if (state != TcpState.CLOSED || hostClosed) {
            throw new IllegalStateException("connection already used: " + state);
        }
        initSend(iss);
        state = TcpState.SYN_SENT;
        dispatch(nowNs);
    }

    private void initSend(int newIss) {
        iss = newIss;
        sndUna = newIss;
        sndNxt = newIss;
        sndMax = newIss;
        sndBufSeq = newIss + 1;
    }

    /** MSS: the smaller of theirs and ours. Window scaling only if both offer it (RFC 7323 §1.3). */
    private void negotiate(TcpOptions opts) {
        int guestMss = opts.mss > 0 ? opts.mss : DEFAULT_GUEST_MSS;
        sndMss = Math.max(MIN_GUEST_MSS, Math.min(guestMss, config.mss()));
        if (opts.windowScale >= 0) {
            sndShift = opts.windowScale;
            rcvShift = config.windowScale();
        } else {
            sndShift = 0;
            rcvShift = 0;
        }
    }

    // ------------------------------------------------------------------ guest segments

    /**
     * A segment from the guest for this connection (addresses already matched, checksum
     * verified). {@code opts} must hold the segment's parsed options (only read on SYNs).
     */
    public void onGuestSegment(TcpSegment seg, TcpOptions opts, long nowNs) {
        lastGuestSegmentNs = nowNs; // any segment shows the guest is there
        keepaliveProbesSent = 0;
        switch (state) {
            case CLOSED -> onSegmentClosed(seg);
            case LISTEN -> onSegmentListen(seg, nowNs);
            case SYN_SENT -> onSegmentSynSent(seg, opts, nowNs);
            default -> onSegmentSynchronized(seg, nowNs);
        }
        dispatch(nowNs);
    }

    /** RFC 9293 §3.10.7.1: anything but a RST gets a RST. */
    private void onSegmentClosed(TcpSegment seg) {
        droppedSegments++;
        if (seg.rst()) return;
        if (seg.ack()) {
            emit(seg.ackNumber(), 0, TcpSegment.RST, 0, -1, -1, null, 0, 0);
        } else {
            emit(0, seg.seq() + seg.segmentLength(), TcpSegment.RST | TcpSegment.ACK, 0, -1, -1, null, 0, 0);
        }
    }

    /** The host is still connecting: retransmitted SYNs are ignored; a RST means the guest gave up. */
    private void onSegmentListen(TcpSegment seg, long nowNs) {
        if (seg.rst()) {
            closeHost(true);
            state = TcpState.CLOSED;
            return;
        }
        droppedSegments++;
    }

    /** RFC 9293 §3.10.7.3: we sent SYN to the guest. */
    private void onSegmentSynSent(TcpSegment seg, TcpOptions opts, long nowNs) {
        boolean ackAcceptable = false;
        if (seg.ack()) {
            int ack = seg.ackNumber();
            // first: the ACK must cover our SYN and nothing we did not send
            if (Seq.le(ack, iss) || Seq.gt(ack, sndMax)) {
                if (!seg.rst()) emit(ack, 0, TcpSegment.RST, 0, -1, -1, null, 0, 0);
                droppedSegments++;
                return;
            }
            ackAcceptable = true;
        }
        // second: a RST with an acceptable ACK means the guest refused
        if (seg.rst()) {
            if (ackAcceptable) {
                closeHost(true);
                state = TcpState.CLOSED;
                rtx.stop();
            }
            return;
        }
        // fourth: SYN-ACK completes the handshake; a bare SYN (simultaneous open) is dropped
        if (!seg.syn() || !ackAcceptable) {
            droppedSegments++;
            return;
        }
        irs = seg.seq();
        rcvNxt = irs + 1;
        negotiate(opts);
        acknowledge(seg.ackNumber(), nowNs);
        sndWnd = seg.window(); // RFC 7323 §2.2: not scaled in a SYN
        maxSndWnd = sndWnd;
        sndWl1 = seg.seq();
        sndWl2 = seg.ackNumber();
        enterEstablished();
        ackNeeded = true;
    }

    /** RFC 9293 §3.10.7.4: a segment arrives in a synchronized state. */
    private void onSegmentSynchronized(TcpSegment seg, long nowNs) {
        if (state == TcpState.SYN_RECEIVED && seg.syn() && !seg.ack() && !seg.rst() && seg.seq() == irs) {
            // The guest retransmitted its SYN: our SYN-ACK was lost, send it again.
            sndNxt = iss;
            rttTiming = false;
            return;
        }
        if (!isAcceptable(seg)) {                                   // first: sequence number
            droppedSegments++;
            if (!seg.rst()) ackNeeded = true;
            if (state == TcpState.TIME_WAIT && seg.fin()) restartTimeWait(nowNs);
            return;
        }
        if (state == TcpState.FIN_WAIT_2) {
            stateDeadlineNs = nowNs + config.finWait2TimeoutNs(); // idle timeout, see TcpConfig
        }
        if (seg.rst()) { onRst(seg); return; }                      // second: RST
        if (seg.syn()) { ackNeeded = true; return; }                // fourth: SYN, challenge ACK (RFC 5961 §4)
        if (!seg.ack()) { droppedSegments++; return; }              // fifth: no ACK, drop
        if (!onAck(seg, nowNs)) return;
        onText(seg);                                                // seventh: segment text
        if (state == TcpState.CLOSED) return;                       // the host failed while writing
        if (seg.fin()) onFin(seg, nowNs);                           // eighth: FIN
    }

    /** RFC 9293 §3.10.7.4 first: the four cases of the acceptability test. */
    private boolean isAcceptable(TcpSegment seg) {
        int seq = seg.seq();
        int len = seg.segmentLength();
        int wnd = receiveBuffer.window();
        if (len == 0) {
            return wnd == 0 ? seq == rcvNxt : Seq.inWindow(seq, rcvNxt, wnd);
        }
        if (wnd == 0) {
            // "special allowance should be made to accept valid ACKs, URGs, and RSTs":
            // a window probe at RCV.NXT still carries an ACK we need; its text is trimmed.
            return seq == rcvNxt;
        }
        return Seq.inWindow(seq, rcvNxt, wnd) || Seq.inWindow(seq + len - 1, rcvNxt, wnd);
    }

    /** RFC 9293 §3.10.7.4 second, with RFC 5961 §3.2: only an exact RST resets, others get a challenge ACK. */
    private void onRst(TcpSegment seg) {
        if (seg.seq() != rcvNxt) {
            ackNeeded = true;
            return;
        }
        closeHost(true);
        state = TcpState.CLOSED;
        stopTimers();
    }

    /** RFC 9293 §3.10.7.4 fifth. Returns false when the segment must not be processed further. */
    private boolean onAck(TcpSegment seg, long nowNs) {
        int ack = seg.ackNumber();
        if (state == TcpState.SYN_RECEIVED) {
            // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state"
            if (!Seq.lt(sndUna, ack) || !Seq.le(ack, sndMax)) {
                emit(ack, 0, TcpSegment.RST, 0, -1, -1, null, 0, 0);
                droppedSegments++;
                return false;
            }
            sndWnd = seg.window() << sndShift;
            sndWl1 = seg.seq();
            sndWl2 = ack;
            enterEstablished();
        }
        if (Seq.gt(ack, sndMax)) {
            // acknowledges something not yet sent
            ackNeeded = true;
            droppedSegments++;
            return false;
        }
        if (Seq.lt(ack, sndUna - maxSndWnd)) {
            // RFC 5961 §5.2: far too old, challenge ACK
            ackNeeded = true;
            droppedSegments++;
            return false;
        }
        int segWnd = seg.window() << sndShift;
        if (Seq.gt(ack, sndUna)) {
            acknowledge(ack, nowNs);
        } else if (ack == sndUna && seg.payloadLength() == 0 && !seg.fin() && segWnd == sndWnd
                && sndMax != sndUna) {
            // RFC 5681 §3.2: the third duplicate ACK triggers a fast retransmit.
            if (++dupAcks == 3 && !inRecovery) {
                inRecovery = true;
                recover = sndMax;
                retransmitAtUna(nowNs);
            }
        }
        // "If SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK), set SND.WND"
        if (Seq.lt(sndWl1, seg.seq()) || (sndWl1 == seg.seq() && Seq.le(sndWl2, ack))) {
            sndWnd = segWnd;
            sndWl1 = seg.seq();
            sndWl2 = ack;
            if (segWnd > maxSndWnd) maxSndWnd = segWnd;
        }
        if (sndWnd == 0) {
            // RFC 9293 §3.8.6.1: a receiver answering our probes keeps the connection open.
            rtx.resetRetries();
        }
        switch (state) {
            case FIN_WAIT_1 -> {
                if (finAcked()) {                        // "if our FIN is now acknowledged, enter FIN-WAIT-2"
                    state = TcpState.FIN_WAIT_2;
                    stateDeadlineNs = nowNs + config.finWait2TimeoutNs();
                }
            }
            case CLOSING -> {
                if (finAcked()) enterTimeWait(nowNs);    // "if the ACK acknowledges our FIN, enter TIME-WAIT"
            }
            case LAST_ACK -> {
                if (finAcked()) {                        // "if our FIN is now acknowledged, delete the TCB"
                    state = TcpState.CLOSED;
                    stopTimers();
                    closeHostIfDone();
                    return false;
                }
            }
            default -> { }
        }
        return true;
    }

    /** SND.UNA advances to {@code ack}: free acknowledged bytes, take an RTT sample, reset the timer. */
    private void acknowledge(int ack, long nowNs) {
        int dataAcked = Seq.diff(ack, sndBufSeq);
        if (dataAcked > sendBuffer.length()) dataAcked = sendBuffer.length();
        if (dataAcked > 0) {
            sendBuffer.consume(dataAcked);
            sndBufSeq += dataAcked;
            bytesToGuest += dataAcked;
            if (hostReadPaused) {
                hostReadPaused = false;
                host.wantRead(true);
            }
        }
        sndUna = ack;
        if (Seq.lt(sndNxt, ack)) sndNxt = ack; // after a go-back-N rewind
        if (rttTiming && Seq.ge(ack, rttSeq)) {
            rttTiming = false;
            rtx.onRttSample(nowNs - rttStartNs);
        }
        rtx.onNewAck();
        rtx.stop(); // re-armed by dispatch if data is still outstanding (RFC 6298 (5.3))
        dupAcks = 0;
        if (inRecovery) {
            if (Seq.ge(ack, recover)) {
                inRecovery = false;          // RFC 6582 §3.2 (6): full acknowledgment
            } else {
                retransmitAtUna(nowNs);      // RFC 6582 §3.2 (5): partial ACK, the next hole
            }
        }
    }

    /** RFC 9293 §3.10.7.4 seventh: text in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 goes to the host. */
    private void onText(TcpSegment seg) {
        int len = seg.payloadLength();
        if (len == 0) return;
        if (state != TcpState.ESTABLISHED && state != TcpState.FIN_WAIT_1 && state != TcpState.FIN_WAIT_2) {
            return; // the guest already sent FIN: "this should not occur", ignore the text
        }
        ackNeeded = true; // in order: ACK now; out of order: an immediate duplicate ACK (RFC 5681 §4.2)
        int seq = seg.seq();
        int off = seg.payloadOffset();
        int skip = Seq.diff(rcvNxt, seq);
        if (skip > 0) {
            if (skip >= len) return; // all old (only the FIN may be new)
            off += skip;
            len -= skip;
            seq = rcvNxt;
        }
        int offsetInWindow = Seq.diff(seq, rcvNxt);
        int room = receiveBuffer.window() - offsetInWindow;
        if (room <= 0) {
            droppedSegments++;
            return;
        }
        if (len > room) len = room; // trim to the window; a FIN beyond it is dropped with the text
        if (offsetInWindow == 0 && receiveBuffer.isEmpty() && !hostClosed) {
            // Fast path: nothing is waiting for the host, so the text goes to the host socket
            // straight from the guest's frame; only what the socket does not take is stored.
            int written = host.write(seg.buffer(), off, len);
            if (written < 0) {
                rcvNxt += len; // taken, as on the stored path, then lost with the host peer
                resetFromHost(); // EPIPE, ECONNRESET: the host peer is gone
                return;
            }
            receiveBuffer.passThrough(written);
            rcvNxt += written;
            bytesFromGuest += written;
            off += written;
            len -= written;
            if (len == 0) {
                flushToHost();
                return;
            }
        }
        int advanced = receiveBuffer.insert(offsetInWindow, seg.buffer(), off, len);
        if (advanced < 0) {
            droppedSegments++; // too many holes: the guest will retransmit
            return;
        }
        rcvNxt += advanced;
        flushToHost();
    }

    /** RFC 9293 §3.10.7.4 eighth. A FIN not yet in order is left for the guest to retransmit. */
    private void onFin(TcpSegment seg, long nowNs) {
        if (finFromGuest || seg.seq() + seg.payloadLength() != rcvNxt) return;
        rcvNxt += 1;
        finFromGuest = true;
        ackNeeded = true;
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> state = TcpState.CLOSE_WAIT; // "enter the CLOSE-WAIT state"
            case FIN_WAIT_1 -> state = TcpState.CLOSING;                     // our FIN not yet acknowledged
            case FIN_WAIT_2 -> enterTimeWait(nowNs);                         // "enter the TIME-WAIT state"
            default -> { }
        }
        flushToHost(); // shuts the host's output once the buffered data is out
    }

    // ------------------------------------------------------------------ host events

    /** The host socket has data (or EOF, or an error). */
    public void onHostReadable(long nowNs) {
        if (hostClosed || hostEof || (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT)) {
            return;
        }
        while (true) {
            int free = sendBuffer.free();
            if (free == 0) {
                // Backpressure: the guest has not acknowledged enough; stop reading.
                hostReadPaused = true;
                host.wantRead(false);
                break;
            }
            int n = sendBuffer.readFrom(host); // straight into the ring: no copy
            if (n > 0) continue;
            if (n == 0) break;
            if (n == HostStream.EOF) {
                hostEof = true;
                host.wantRead(false);
                break;
            }
            resetFromHost(); // ECONNRESET and friends: the guest gets a RST
            return;
        }
        dispatch(nowNs);
    }

    /** The host socket can take more of the guest's data. */
    public void onHostWritable(long nowNs) {
        flushToHost();
        dispatch(nowNs);
    }

    /** Writes in-order guest bytes to the host; shuts its output after the guest's FIN. */
    private void flushToHost() {
        if (hostClosed) return;
        while (receiveBuffer.length() > 0) {
            int n = receiveBuffer.length();
            int written = receiveBuffer.writeTo(host); // straight from the ring: no copy
            if (written < 0) {
                resetFromHost(); // EPIPE, ECONNRESET: the host peer is gone
                return;
            }
            bytesFromGuest += written;
            if (written < n) break;
        }
        boolean drained = receiveBuffer.length() == 0;
        if (drained == hostWriteWanted) {
            hostWriteWanted = !drained;
            host.wantWrite(hostWriteWanted);
        }
        if (drained && finFromGuest && !hostOutputShut) {
            hostOutputShut = true;
            host.shutdownOutput();
        }
        closeHostIfDone();
        if (!finFromGuest && state.isSynchronized() && windowWouldGrow()) {
            ackNeeded = true; // window update
        }
    }

    /**
     * RFC 9293 §3.8.6.2.2 (receiver side silly window avoidance): announce a larger window
     * only once it grows by min(half the buffer, one MSS).
     */
    private boolean windowWouldGrow() {
        int advertisedLeft = Math.max(0, rcvWnd - Seq.diff(rcvNxt, rcvAdvertisedAt));
        int now = (Math.min(receiveBuffer.window() >>> rcvShift, 0xFFFF)) << rcvShift;
        return now - advertisedLeft >= Math.min(receiveBuffer.capacity() / 2, config.mss());
    }

    /** RCV.NXT when {@link #rcvWnd} was advertised; the right edge is their sum. */
    private int rcvAdvertisedAt;

    // ------------------------------------------------------------------ timers

    /** The earliest time {@link #onTimer} has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadlineNs() {
        return Math.min(Math.min(rtx.deadlineNs(), stateDeadlineNs), keepaliveDeadlineNs());
    }

    /** When the next keep-alive probe is due, or never (off, or not in a state that probes). */
    private long keepaliveDeadlineNs() {
        if (config.keepaliveIdleNs() == 0 || (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT)) {
            return Long.MAX_VALUE;
        }
        return keepaliveProbesSent == 0 ? lastGuestSegmentNs + config.keepaliveIdleNs()
                : lastKeepaliveProbeNs + config.keepaliveIntervalNs();
    }

    /**
     * RFC 1122 §4.2.3.6: an ACK carrying SND.UNA-1 makes a live guest answer with an ACK; a
     * guest that vanished answers nothing, and after {@link TcpConfig#KEEPALIVE_PROBES} we give up.
     */
    private void onKeepaliveTimeout(long nowNs) {
        if (keepaliveProbesSent >= TcpConfig.KEEPALIVE_PROBES) {
            abort(nowNs);
            return;
        }
        keepaliveProbesSent++;
        lastKeepaliveProbeNs = nowNs;
        emit(sndUna - 1, rcvNxt, TcpSegment.ACK, dataWindow(), -1, -1, null, 0, 0);
    }

    private long lastGuestSegmentNs;
    private long lastKeepaliveProbeNs;
    private int keepaliveProbesSent;

    public void onTimer(long nowNs) {
        if (keepaliveDeadlineNs() <= nowNs) {
            onKeepaliveTimeout(nowNs);
            if (state == TcpState.CLOSED) return;
        }
        if (stateDeadlineNs != Long.MAX_VALUE && nowNs - stateDeadlineNs >= 0) {
            stateDeadlineNs = Long.MAX_VALUE;
            switch (state) {
                case TIME_WAIT -> {                      // "when the time-wait timeout expires, delete the TCB"
                    state = TcpState.CLOSED;
                    stopTimers();
                    closeHostIfDone();
                    return;
                }
                case FIN_WAIT_2, SYN_RECEIVED -> {
                    abort(nowNs);
                    return;
                }
                default -> { }
            }
        }
        if (rtx.isExpired(nowNs)) onRetransmitTimeout(nowNs);
    }

    /** RFC 6298 (5.4)-(5.6), and the persist timer of RFC 9293 §3.8.6.1 when the window is zero. */
    private void onRetransmitTimeout(long nowNs) {
        rtx.onTimeout();
        if (rtx.retries() > config.maxRetransmissions()) {
            abort(nowNs);
            return;
        }
        retransmissions++;
        rttTiming = false; // Karn: no sample from a retransmitted segment
        dupAcks = 0;
        inRecovery = false;
        if (state.isSynchronized() && sndWnd == 0 && sendBuffer.length() > 0) {
            probeWindow = true;
        }
        sndNxt = sndUna; // go back N: resend from the oldest unacknowledged byte
        rtx.start(nowNs);
        dispatch(nowNs);
    }

    // ------------------------------------------------------------------ aborting

    /** The owner gives up on the flow: RST to the guest, abort the host socket. */
    public void abort(long nowNs) {
        switch (state) {
            case LISTEN -> emit(0, rcvNxt, TcpSegment.RST | TcpSegment.ACK, 0, -1, -1, null, 0, 0);
            case SYN_SENT -> emit(sndNxt, 0, TcpSegment.RST, 0, -1, -1, null, 0, 0);
            case CLOSED, TIME_WAIT -> { }
            default -> emit(sndMax, rcvNxt, TcpSegment.RST | TcpSegment.ACK, 0, -1, -1, null, 0, 0);
        }
        closeHost(true);
        state = TcpState.CLOSED;
        stopTimers();
    }

    /** The host side failed (reset, broken pipe): reset the guest side too. */
    private void resetFromHost() {
        if (state.isSynchronized() && state != TcpState.TIME_WAIT) {
            emit(sndMax, rcvNxt, TcpSegment.RST | TcpSegment.ACK, 0, -1, -1, null, 0, 0);
        }
        closeHost(true);
        state = TcpState.CLOSED;
        stopTimers();
    }

    // ------------------------------------------------------------------ sending

    /** What do we send now: SYN, SYN-ACK, data, FIN, or a bare ACK; then arm the timer. */
    private void dispatch(long nowNs) {
        switch (state) {
            case CLOSED, LISTEN -> { return; }
            case SYN_SENT -> { if (sndNxt == iss) sendSyn(nowNs); }
            case SYN_RECEIVED -> { if (sndNxt == iss) sendSynAck(nowNs); }
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> sendFromBuffer(nowNs);
            default -> { }
        }
        if (ackNeeded && state != TcpState.SYN_SENT) sendAck();
        armRetransmitTimer(nowNs);
    }

    private void sendSyn(long nowNs) {
        if (sndMax == iss) startRttTiming(iss + 1, nowNs); // Karn: only the first transmission
        emit(iss, 0, TcpSegment.SYN, synWindow(), config.mss(), config.windowScale(), null, 0, 0);
        advanceSndNxt(iss + 1);
    }

    private void sendSynAck(long nowNs) {
        if (sndMax == iss) startRttTiming(iss + 1, nowNs); // Karn: only the first transmission
        emit(iss, rcvNxt, TcpSegment.SYN | TcpSegment.ACK, synWindow(), config.mss(),
                guestOfferedWindowScale ? config.windowScale() : -1, null, 0, 0);
        advanceSndNxt(iss + 1);
    }

    /** Data within the guest's window, then our FIN once the host hit EOF and all data is out. */
    private void sendFromBuffer(long nowNs) {
        int finSeq = sndBufSeq + sendBuffer.length();
        int segmentLimit = sink.maxSegmentPayload(sndMss); // above the MSS only when the link does TSO
        while (true) {
            int unsent = Seq.diff(finSeq, sndNxt);
            if (unsent < 0 || (unsent == 0 && !hostEof)) break; // FIN sent, or nothing to send
            int n = 0;
            if (unsent > 0) {
                int usable = Seq.diff(sndUna + sndWnd, sndNxt);
                if (usable <= 0) {
                    if (!probeWindow) break;
                    usable = 1; // RFC 9293 §3.8.6.1: one byte beyond a zero window
                }
                n = Math.min(unsent, Math.min(usable, segmentLimit));
            }
            probeWindow = false;
            // Linux accepts a bare FIN at a zero window, so the FIN does not wait for one.
            boolean fin = hostEof && n == unsent;
            sendDataSegment(sndNxt, n, fin, nowNs);
            advanceSndNxt(sndNxt + n + (fin ? 1 : 0));
            if (fin) {
                if (state == TcpState.ESTABLISHED) state = TcpState.FIN_WAIT_1;      // "enter FIN-WAIT-1"
                else if (state == TcpState.CLOSE_WAIT) state = TcpState.LAST_ACK;   // "enter LAST-ACK"
                break;
            }
        }
    }

    /**
     * RFC 5681 §3.2 fast retransmit (and RFC 6582 partial-ACK retransmit): resend the
     * segment at SND.UNA without touching SND.NXT. No congestion window: the link is local.
     */
    private void retransmitAtUna(long nowNs) {
        if (!state.isSynchronized() || state == TcpState.SYN_RECEIVED) return;
        int unsentAtUna = Seq.diff(sndBufSeq + sendBuffer.length(), sndUna);
        if (unsentAtUna < 0) return; // only the FIN is outstanding; the timer handles it
        int n = Math.min(unsentAtUna, sndMss);
        boolean fin = hostEof && n == unsentAtUna && Seq.gt(sndMax, sndUna + n);
        rttTiming = false;
        retransmissions++;
        sendDataSegment(sndUna, n, fin, nowNs);
    }

    /** One segment of {@code n} bytes starting at sequence number {@code seq}. */
    private void sendDataSegment(int seq, int n, boolean fin, long nowNs) {
        int flags = TcpSegment.ACK;
        if (fin) flags |= TcpSegment.FIN;
        if (n > 0 && Seq.diff(sndBufSeq + sendBuffer.length(), seq) == n) flags |= TcpSegment.PSH;
        if (seq == sndMax && n > 0) startRttTiming(seq + n, nowNs);
        int offset = Seq.diff(seq, sndBufSeq);
        if (n == 0) {
            emit(seq, rcvNxt, flags, dataWindow(), -1, -1, null, 0, 0);
            return;
        }
        int index = sendBuffer.contiguousIndex(offset, n);
        if (index >= 0) {
            Ring ring = sendBuffer.ring();
            emit(seq, rcvNxt, flags, dataWindow(), -1, -1, ring.buffer, index, n, ring.address());
        } else {
            sendBuffer.copyOut(offset, scratch, 0, n);
            emit(seq, rcvNxt, flags, dataWindow(), -1, -1, scratch, 0, n, 0);
        }
    }

    private void sendAck() {
        emit(sndNxt, rcvNxt, TcpSegment.ACK, dataWindow(), -1, -1, null, 0, 0);
    }

    private void emit(int seq, int ack, int flags, int window, int mss, int windowScale,
                      ByteBuffer data, int dataOffset, int dataLength) {
        emit(seq, ack, flags, window, mss, windowScale, data, dataOffset, dataLength, 0);
    }

    private void emit(int seq, int ack, int flags, int window, int mss, int windowScale,
                      ByteBuffer data, int dataOffset, int dataLength, long dataAddress) {
        if ((flags & TcpSegment.ACK) != 0) ackNeeded = false;
        // A false return means the frame was lost on the way; the timer recovers.
        sink.sendSegment(guestAddr, guestPort, peerAddr, peerPort, seq, ack, flags, window,
                mss, windowScale, false, data, dataOffset, dataLength, sndMss, dataAddress);
    }

    /** Window field of a SYN or SYN-ACK: never scaled (RFC 7323 §2.2). */
    private int synWindow() {
        int field = Math.min(receiveBuffer.window(), 0xFFFF);
        rcvWnd = field;
        rcvAdvertisedAt = rcvNxt;
        return field;
    }

    /** Window field of other segments: the free receive space, scaled by our shift. */
    private int dataWindow() {
        int field = Math.min(receiveBuffer.window() >>> rcvShift, 0xFFFF);
        rcvWnd = field << rcvShift;
        rcvAdvertisedAt = rcvNxt;
        return field;
    }

    private void advanceSndNxt(int next) {
        sndNxt = next;
        if (Seq.gt(next, sndMax)) sndMax = next;
    }

    private void startRttTiming(int endSeq, long nowNs) {
        if (rttTiming) return;
        rttTiming = true;
        rttSeq = endSeq;
        rttStartNs = nowNs;
    }

    /**
     * RFC 6298 (5.1): run while data (or SYN/FIN) is outstanding; also as persist timer
     * while the guest's window is zero and data waits (RFC 9293 §3.8.6.1).
     */
    private void armRetransmitTimer(long nowNs) {
        if (state == TcpState.CLOSED || state == TcpState.LISTEN || state == TcpState.TIME_WAIT
                || state == TcpState.FIN_WAIT_2) {
            rtx.stop();
            return;
        }
        boolean outstanding = sndMax != sndUna;
        boolean waitingForWindow = sndWnd == 0 && Seq.diff(sndBufSeq + sendBuffer.length(), sndNxt) > 0;
        if (outstanding || waitingForWindow) {
            if (!rtx.isRunning()) rtx.start(nowNs);
        } else {
            rtx.stop();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void enterEstablished() {
        state = TcpState.ESTABLISHED;                    // "enter ESTABLISHED state"
        stateDeadlineNs = Long.MAX_VALUE;
        host.wantRead(true);
    }

    private void enterTimeWait(long nowNs) {
        state = TcpState.TIME_WAIT;
        rtx.stop();
        restartTimeWait(nowNs);
        closeHostIfDone();
    }

    private void restartTimeWait(long nowNs) {
        stateDeadlineNs = nowNs + config.timeWaitNs();
    }

    /** Our FIN went out and is acknowledged. */
    private boolean finAcked() {
        return hostEof && sendBuffer.length() == 0 && sndUna == sndBufSeq + 1;
    }

    /** Both directions are finished and the guest's bytes are all on the host: close normally. */
    private void closeHostIfDone() {
        if ((state == TcpState.TIME_WAIT || state == TcpState.CLOSED) && hostOutputShut && hostEof) {
            closeHost(false);
            // Nothing is left to send or to deliver: give the memory back now, not when the flow
            // is freed. Under connection churn thousands of flows sit in TIME-WAIT at once, and
            // their buffers were most of the process's memory (released twice is harmless).
            releaseBuffers();
        }
    }

    private void closeHost(boolean abort) {
        if (hostClosed) return;
        hostClosed = true;
        host.close(abort);
    }

    private void stopTimers() {
        rtx.stop();
        stateDeadlineNs = Long.MAX_VALUE;
    }

    // ------------------------------------------------------------------ accessors

    public TcpState state() { return state; }

    /** True once the connection is CLOSED and the host socket closed: the flow can be freed. */
    /** Returns the buffers' memory to the budget: once both directions are done, or when the flow is freed. */
    public void releaseBuffers() {
        sendBuffer.release();
        receiveBuffer.release();
    }

    /** Bytes the buffers hold allocated now (both directions). */
    public int bufferBytesAllocated() { return sendBuffer.allocated() + receiveBuffer.allocated(); }

    public boolean isClosed() { return state == TcpState.CLOSED && hostClosed; }

    /** Guest bytes the host socket has taken. */
    public long bytesFromGuest() { return bytesFromGuest; }

    /** Host bytes the guest has acknowledged. */
    public long bytesToGuest() { return bytesToGuest; }

    public long retransmissions() { return retransmissions; }

    /** Guest segments dropped (unacceptable, out of window, no room). */
    public long droppedSegments() { return droppedSegments; }

    /** The window the guest offers us, in bytes. */
    public int sndWnd() { return sndWnd; }

    /** The guest's initial sequence number (its SYN's), for quoting that SYN in an ICMP error. */
    public int guestIsn() { return irs; }

    /** The window we last advertised, in bytes. */
    public int rcvWnd() { return rcvWnd; }

    /** The current retransmission timeout (without backoff). */
    public long rtoNs() { return rtx.rtoNs(); }

    public int sndMss() { return sndMss; }

    @Override
    public String toString() {
        return "TCP " + state + " snd.una=" + Integer.toUnsignedString(sndUna) + " snd.nxt="
                + Integer.toUnsignedString(sndNxt) + " snd.wnd=" + sndWnd + " rcv.nxt="
                + Integer.toUnsignedString(rcvNxt) + " rcv.wnd=" + rcvWnd;
    }
}
