package dev.jslirp.tcp;

/**
 * Per-flow TCP settings, shared by all connections. Immutable; the constructor rejects
 * values the engine cannot work with.
 *
 * @param sendBufferBytes host→guest bytes kept until the guest acknowledges them
 * @param receiveBufferBytes guest→host bytes kept until the host socket takes them; also
 *     the largest window we advertise
 * @param linkMtu the guest link's MTU; our MSS is {@code linkMtu - 40} (IPv4 + TCP headers)
 * @param windowScale the window-scale shift we offer (RFC 7323 §2); must let
 *     {@code receiveBufferBytes} fit in a 16-bit window field
 * @param initialRtoNs RTO before the first RTT sample (RFC 6298 (2.1): 1 s)
 * @param minRtoNs lower bound on the RTO; RFC 6298 (2.4) says 1 s, but the guest link is a
 *     local virtual wire, so 200 ms (as Linux uses) is plenty
 * @param maxRtoNs upper bound on the backed-off RTO (RFC 6298 (2.5): at least 60 s)
 * @param maxRetransmissions retransmissions of one segment before we reset both sides
 * @param synReceivedTimeoutNs how long a guest may leave our SYN-ACK unanswered
 * @param finWait2TimeoutNs how long FIN-WAIT-2 may stay idle (no guest segment) before we
 *     reset; restarted by every guest segment since the guest may legitimately keep
 *     sending after the host's half-close
 * @param keepaliveIdleNs after this long without a segment from the guest, an ESTABLISHED
 *     or CLOSE-WAIT connection probes it (RFC 1122 §4.2.3.6 keep-alive: an ACK for SND.UNA-1);
 *     {@link #KEEPALIVE_PROBES} unanswered probes, {@link #keepaliveIntervalNs()} apart, reset
 *     both sides. This frees the flows of a guest that vanished without closing; a live idle
 *     guest answers the probes and keeps its connections. 0 turns it off.
 * @param timeWaitNs TIME-WAIT duration. RFC 9293 asks 2*MSL (minutes); we terminate TCP
 *     on a point-to-point virtual link where old duplicates cannot linger in a network, and
 *     a host NAT flow slot is precious, so about a second (enough to re-ACK a lost last
 *     FIN) is what we keep.
 */
public record TcpConfig(int sendBufferBytes, int receiveBufferBytes, int linkMtu, int windowScale,
                        long initialRtoNs, long minRtoNs, long maxRtoNs, int maxRetransmissions,
                        long synReceivedTimeoutNs, long finWait2TimeoutNs, long timeWaitNs, long keepaliveIdleNs) {
    /** Unanswered keep-alive probes before the connection is reset. */
    public static final int KEEPALIVE_PROBES = 5;
    public static final long DEFAULT_KEEPALIVE_IDLE_NS = 300_000_000_000L;
    /**
     * Per-flow caps, each way. Buffers grow to them only for bulk flows (SendBuffer,
     * ReceiveBuffer), so the cap costs memory only where it buys throughput: measured host->guest
     * at MTU 65520, 256 KiB gave 4.8-5.9 Gbit/s at 1.0-1.2 CPU s per GB, 2 MiB 7.8-8.9 at 0.7
     * (fewer, fuller wake-ups); 4 MiB gained nothing more (bench/results, docs/benchmarks.md).
     */
    public static final int DEFAULT_SEND_BUFFER_BYTES = 2 << 20;
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 2 << 20;
    public static final int DEFAULT_LINK_MTU = 1500;
    public static final int DEFAULT_WINDOW_SCALE = 7;
    public static final long DEFAULT_INITIAL_RTO_NS = 1_000_000_000L;
    public static final long DEFAULT_MIN_RTO_NS = 200_000_000L;
    public static final long DEFAULT_MAX_RTO_NS = 60_000_000_000L;
    public static final int DEFAULT_MAX_RETRANSMISSIONS = 12;
    public static final long DEFAULT_SYN_RECEIVED_TIMEOUT_NS = 30_000_000_000L;
    public static final long DEFAULT_FIN_WAIT_2_TIMEOUT_NS = 60_000_000_000L;
    public static final long DEFAULT_TIME_WAIT_NS = 1_000_000_000L;
    /** IPv4 header plus TCP header without options. */
    public static final int IPV4_TCP_HEADERS_LENGTH = 40;
    /** Smallest link MTU IPv4 allows (RFC 791: 68); keeps the MSS positive. */
    public static final int MIN_LINK_MTU = 68;

    public static final TcpConfig DEFAULT = new TcpConfig(DEFAULT_SEND_BUFFER_BYTES, DEFAULT_RECEIVE_BUFFER_BYTES,
            DEFAULT_LINK_MTU, DEFAULT_WINDOW_SCALE, DEFAULT_INITIAL_RTO_NS, DEFAULT_MIN_RTO_NS, DEFAULT_MAX_RTO_NS,
            DEFAULT_MAX_RETRANSMISSIONS, DEFAULT_SYN_RECEIVED_TIMEOUT_NS, DEFAULT_FIN_WAIT_2_TIMEOUT_NS,
            DEFAULT_TIME_WAIT_NS, DEFAULT_KEEPALIVE_IDLE_NS);

    public TcpConfig {
        if (sendBufferBytes < 1 || receiveBufferBytes < 1) {
            throw new IllegalArgumentException("TCP buffer sizes must be positive");
        }
        if (linkMtu < MIN_LINK_MTU || linkMtu > 65535) {
            throw new IllegalArgumentException("link MTU out of range: " + linkMtu);
        }
        if (windowScale < 0 || windowScale > 14) {
            throw new IllegalArgumentException("window scale must be 0..14: " + windowScale);
        }
        if ((receiveBufferBytes >>> windowScale) > 0xFFFF) {
            throw new IllegalArgumentException("receive buffer " + receiveBufferBytes
                    + " does not fit a 16-bit window with scale " + windowScale);
        }
        if (minRtoNs <= 0 || initialRtoNs < minRtoNs || maxRtoNs < initialRtoNs) {
            throw new IllegalArgumentException("need 0 < minRto <= initialRto <= maxRto");
        }
        if (maxRetransmissions < 1) {
            throw new IllegalArgumentException("maxRetransmissions must be >= 1");
        }
        if (synReceivedTimeoutNs <= 0 || finWait2TimeoutNs <= 0 || timeWaitNs <= 0) {
            throw new IllegalArgumentException("TCP timeouts must be positive");
        }
        if (keepaliveIdleNs < 0) throw new IllegalArgumentException("keep-alive idle time must be >= 0 (0: off)");
    }

    /** The MSS we announce to the guest: what fits in one link frame. */
    public int mss() { return linkMtu - IPV4_TCP_HEADERS_LENGTH; }

    public TcpConfig withBuffers(int sendBytes, int receiveBytes) {
        return new TcpConfig(sendBytes, receiveBytes, linkMtu, windowScale, initialRtoNs, minRtoNs, maxRtoNs,
                maxRetransmissions, synReceivedTimeoutNs, finWait2TimeoutNs, timeWaitNs, keepaliveIdleNs);
    }

    public TcpConfig withLinkMtu(int mtu) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, mtu, windowScale, initialRtoNs, minRtoNs, maxRtoNs,
                maxRetransmissions, synReceivedTimeoutNs, finWait2TimeoutNs, timeWaitNs, keepaliveIdleNs);
    }

    public TcpConfig withWindowScale(int shift) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, linkMtu, shift, initialRtoNs, minRtoNs, maxRtoNs,
                maxRetransmissions, synReceivedTimeoutNs, finWait2TimeoutNs, timeWaitNs, keepaliveIdleNs);
    }

    public TcpConfig withKeepaliveIdle(long idleNs) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, linkMtu, windowScale, initialRtoNs, minRtoNs, maxRtoNs,
                maxRetransmissions, synReceivedTimeoutNs, finWait2TimeoutNs, timeWaitNs, idleNs);
    }

    /** Time between keep-alive probes: a tenth of the idle time, at least a second. */
    public long keepaliveIntervalNs() { return Math.max(1_000_000_000L, keepaliveIdleNs / 10); }

    public TcpConfig withMaxRetransmissions(int max) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, linkMtu, windowScale, initialRtoNs, minRtoNs, maxRtoNs,
                max, synReceivedTimeoutNs, finWait2TimeoutNs, timeWaitNs, keepaliveIdleNs);
    }
}
