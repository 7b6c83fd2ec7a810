package dev.jslirp.service.dhcp;

/**
 * The DHCP address pool: {@code size} consecutive addresses from {@code start}, each slot with a
 * state, the MAC it belongs to and a deadline, in flat arrays (no objects per lease).
 *
 * <p>States and what the deadline means:
 * <ul>
 *   <li>FREE: nobody holds it; deadline = when it became free, so the slot free for longest is
 *       reused first. The MAC stays remembered so that a client coming back after a RELEASE or an
 *       expiry gets the same address (RFC 2131 §4.3.1: "the client's previous address").
 *   <li>OFFERED: held for a client between OFFER and REQUEST; deadline = end of the hold.
 *   <li>BOUND: leased; deadline = lease expiry.
 *   <li>DECLINED: a client saw the address in use (RFC 2131 §4.3.3); unusable until the deadline,
 *       then FREE with no remembered MAC.
 * </ul>
 * Expiry is lazy: an OFFERED or BOUND slot past its deadline is treated as FREE by every
 * query, so nothing has to run on a timer. Times are compared by signed difference, so any
 * {@code nowNs} origin works.
 */
final class LeasePool {
    static final long NO_MAC = -1L;
    static final byte FREE = 0, OFFERED = 1, BOUND = 2, DECLINED = 3;

    private final int start;
    private final int size;
    private final long[] mac;
    private final byte[] state;
    private final long[] deadlineNs;

    LeasePool(int start, int size) {
        this.start = start;
        this.size = size;
        this.mac = new long[size];
        this.state = new byte[size];
        this.deadlineNs = new long[size];
        java.util.Arrays.fill(mac, NO_MAC);
    }

    int size() { return size; }

    int address(int index) { return start + index; }

    /** The slot of {@code addr}, or -1 if it is not a pool address. */
    int indexOf(int addr) {
        long i = (addr & 0xFFFF_FFFFL) - (start & 0xFFFF_FFFFL);
        return i >= 0 && i < size ? (int) i : -1;
    }

    long owner(int index) { return mac[index]; }

    /** FREE, OFFERED, BOUND or DECLINED with lazy expiry applied. */
    byte stateAt(int index, long nowNs) {
        byte s = state[index];
        if (s != FREE && nowNs - deadlineNs[index] >= 0) return FREE;
        return s;
    }

    /** The slot remembered for {@code clientMac} (in any state but DECLINED), or -1. */
    int findByMac(long clientMac) {
        for (int i = 0; i < size; i++) {
            if (mac[i] == clientMac && state[i] != DECLINED) return i;
        }
        return -1;
    }

    /** True if the slot may be given to {@code clientMac} now: it holds it already, or it is free and not remembered for someone else. */
    boolean availableFor(int index, long clientMac, long nowNs) {
        byte s = stateAt(index, nowNs);
        if (s == DECLINED) return false;
        if (s == FREE) return mac[index] == NO_MAC || mac[index] == clientMac;
        return mac[index] == clientMac;
    }

    boolean isBoundTo(int index, long clientMac, long nowNs) {
        return mac[index] == clientMac && stateAt(index, nowNs) == BOUND;
    }

    /**
     * A free slot for a new client, or -1 if the pool is exhausted: a slot nobody ever had first,
     * else the one that has been free the longest (its remembered MAC is forgotten).
     */
    int allocate(long nowNs) {
        int oldest = -1;
        long oldestSinceNs = 0;
        for (int i = 0; i < size; i++) {
            if (stateAt(i, nowNs) != FREE) continue;
            if (mac[i] == NO_MAC) return i;
            long since = deadlineNs[i];
            if (oldest < 0 || since - oldestSinceNs < 0) {
                oldest = i;
                oldestSinceNs = since;
            }
        }
        return oldest;
    }

    void offer(int index, long clientMac, long untilNs) { take(index, clientMac, OFFERED, untilNs); }

    void bind(int index, long clientMac, long untilNs) { take(index, clientMac, BOUND, untilNs); }

    /** Back to FREE, remembering the MAC (RELEASE, or an OFFER the client turned down). */
    void free(int index, long nowNs) {
        if (state[index] != FREE && nowNs - deadlineNs[index] >= 0) return; // already expired: keep its expiry as "free since"
        state[index] = FREE;
        deadlineNs[index] = nowNs;
    }

    /** RFC 2131 §4.3.3: the address is in use by someone we don't know; keep it out of the pool until {@code untilNs}. */
    void decline(int index, long untilNs) {
        state[index] = DECLINED;
        mac[index] = NO_MAC;
        deadlineNs[index] = untilNs;
    }

    /** One address per client: taking a slot forgets any other slot remembered for the same MAC. */
    private void take(int index, long clientMac, byte newState, long untilNs) {
        for (int i = 0; i < size; i++) {
            if (i != index && mac[i] == clientMac && state[i] != DECLINED) {
                mac[i] = NO_MAC;
                state[i] = FREE;
            }
        }
        mac[index] = clientMac;
        state[index] = newState;
        deadlineNs[index] = untilNs;
    }
}
