package dev.jslirp.time;

/**
 * Idle timeouts of a fixed number of slots (UDP and ICMP flows): a slot expires when it has
 * seen no traffic for the timeout. Traffic costs one store ({@link #touch}); the deadline
 * queue is corrected only when a slot comes due, so a timer tick looks at the flows that may
 * have expired and not at every slot (which, with DNS queries opening a flow each, meant a
 * scan of the whole table every time one expired).
 *
 * <p>Allocation-free after construction. One thread uses it; plain fields.
 */
public final class IdleTimeouts {
    /** Told of each slot that expired; the slot has already been forgotten here. */
    @FunctionalInterface
    public interface Expiry {
        void expired(int slot);
    }

    private final long timeoutNs;
    private final long[] lastActiveNs;
    /** When each slot is to be looked at again: its last activity as known then, plus the timeout. */
    private final DeadlineQueue due;

    public IdleTimeouts(int slots, long timeoutNs) {
        if (timeoutNs <= 0) throw new IllegalArgumentException("timeout must be positive: " + timeoutNs);
        this.timeoutNs = timeoutNs;
        this.lastActiveNs = new long[slots];
        this.due = new DeadlineQueue(slots);
    }

    /** A slot starts being timed, active now. */
    public void start(int slot, long nowNs) {
        lastActiveNs[slot] = nowNs;
        due.schedule(slot, nowNs + timeoutNs);
    }

    /** Traffic on a timed slot. */
    public void touch(int slot, long nowNs) {
        lastActiveNs[slot] = nowNs;
    }

    /** A slot is no longer timed (closed for another reason). */
    public void stop(int slot) {
        due.remove(slot);
    }

    /** The earliest time a slot may expire, or {@link Long#MAX_VALUE} if none is timed. */
    public long nextDeadlineNs() { return due.earliestNs(); }

    /** Reports (and stops timing) every slot idle for the timeout at {@code nowNs}. */
    public void expire(long nowNs, Expiry expiry) {
        while (due.earliestNs() <= nowNs) {
            int slot = due.earliestSlot();
            long deadline = lastActiveNs[slot] + timeoutNs;
            if (deadline <= nowNs) {
                due.remove(slot);
                expiry.expired(slot);
            } else {
                due.schedule(slot, deadline); // active since it was filed: look again when that runs out
            }
        }
    }
}
