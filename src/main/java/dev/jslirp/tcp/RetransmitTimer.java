package dev.jslirp.tcp;

/**
 * RFC 6298 retransmission timer: RTT estimation (SRTT, RTTVAR), the RTO with exponential
 * backoff, and a deadline. Also counts consecutive timeouts, so the connection can give up.
 * Times are nanoseconds; the deadline is {@link Long#MAX_VALUE} while stopped.
 */
final class RetransmitTimer {
    /** Backing off more than this many times would only overflow; the RTO is at its cap anyway. */
    private static final int MAX_BACKOFF_SHIFT = 20;

    private final long initialRtoNs;
    private final long minRtoNs;
    private final long maxRtoNs;
    private long srttNs;
    private long rttvarNs;
    private long rtoNs;
    private boolean hasSample;
    private int backoffShift;
    private int retries;
    private long deadlineNs = Long.MAX_VALUE;

    RetransmitTimer(long initialRtoNs, long minRtoNs, long maxRtoNs) {
        this.initialRtoNs = initialRtoNs;
        this.minRtoNs = minRtoNs;
        this.maxRtoNs = maxRtoNs;
        this.rtoNs = initialRtoNs; // RFC 6298 (2.1)
    }

    /** As new, for a reused connection. */
    void reset() {
        srttNs = rttvarNs = 0;
        rtoNs = initialRtoNs;
        hasSample = false;
        backoffShift = retries = 0;
        deadlineNs = Long.MAX_VALUE;
    }

    /** A new round-trip measurement (taken per Karn's algorithm: never from a retransmitted segment). */
    void onRttSample(long rttNs) {
        if (rttNs < 0) return;
        if (!hasSample) {
            // RFC 6298 (2.2)
            srttNs = rttNs;
            rttvarNs = rttNs / 2;
            hasSample = true;
        } else {
            // RFC 6298 (2.3), alpha = 1/8, beta = 1/4
            rttvarNs = rttvarNs - (rttvarNs >> 2) + (Math.abs(srttNs - rttNs) >> 2);
            srttNs = srttNs - (srttNs >> 3) + (rttNs >> 3);
        }
        // RFC 6298 (2.3) and (2.4), (2.5): clamp to our bounds
        rtoNs = Math.min(maxRtoNs, Math.max(minRtoNs, srttNs + 4 * rttvarNs));
    }

    /** The current timeout, backoff included. */
    long timeoutNs() {
        long t = rtoNs << backoffShift;
        return t <= 0 || t > maxRtoNs ? maxRtoNs : t;
    }

    /** RFC 6298 (5.1)/(5.3)/(5.6): (re)start the timer with the current timeout. */
    void start(long nowNs) { deadlineNs = nowNs + timeoutNs(); }

    /** RFC 6298 (5.2): all data acknowledged. */
    void stop() { deadlineNs = Long.MAX_VALUE; }

    boolean isRunning() { return deadlineNs != Long.MAX_VALUE; }

    boolean isExpired(long nowNs) { return isRunning() && nowNs - deadlineNs >= 0; }

    long deadlineNs() { return deadlineNs; }

    /** RFC 6298 (5.5): back off the timer; counts the retransmission. */
    void onTimeout() {
        if (backoffShift < MAX_BACKOFF_SHIFT) backoffShift++;
        retries++;
    }

    /** New data was acknowledged: the path works, so forget the backoff (as Linux does). */
    void onNewAck() {
        backoffShift = 0;
        retries = 0;
    }

    /** The peer answers (e.g. zero-window probes): it is alive, though the backoff stays. */
    void resetRetries() { retries = 0; }

    int retries() { return retries; }

    long rtoNs() { return rtoNs; }

    long srttNs() { return srttNs; }
}
