package dev.jslirp.flow;

/**
 * Open-addressing hash table from a flow's five-tuple to an {@code int} flow index, with
 * fixed capacity and no allocation after construction (passt: {@code flow_table.h}).
 *
 * <p>A key is (protocol, guest address, guest port, peer address, peer port), where
 * "peer" is the address the guest talks to. Lookups take the tuple as primitives, so the
 * per-packet path builds no key object. Linear probing with backward-shift deletion keeps
 * probe chains short without tombstones.
 */
public final class FlowKeyTable {
    private static final int EMPTY = -1;

    private final long[] addrs;   // guestAddr << 32 | peerAddr
    private final long[] ports;   // protocol << 32 | guestPort << 16 | peerPort
    private final int[] values;
    private final int mask;
    private int size;

    /** @param maxEntries the most entries ever held; capacity is the next power of two of twice that */
    public FlowKeyTable(int maxEntries) {
        int capacity = Integer.highestOneBit(Math.max(4, maxEntries * 2 - 1)) << 1;
        addrs = new long[capacity];
        ports = new long[capacity];
        values = new int[capacity];
        java.util.Arrays.fill(values, EMPTY);
        mask = capacity - 1;
    }

    public int size() { return size; }

    /** @return the flow index, or -1 */
    public int get(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort) {
        long a = addrKey(guestAddr, peerAddr);
        long p = portKey(protocol, guestPort, peerPort);
        for (int i = slot(a, p); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v == EMPTY) return -1;
            if (addrs[i] == a && ports[i] == p) return v;
        }
    }

    /** Inserts a new key; the key must not be present. @return false if the table is full */
    public boolean put(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort, int flow) {
        if (flow < 0) throw new IllegalArgumentException("flow index must be >= 0");
        if (size >= (mask + 1) / 2) return false;
        long a = addrKey(guestAddr, peerAddr);
        long p = portKey(protocol, guestPort, peerPort);
        int i = slot(a, p);
        while (values[i] != EMPTY) {
            if (addrs[i] == a && ports[i] == p) throw new IllegalStateException("duplicate flow key");
            i = (i + 1) & mask;
        }
        addrs[i] = a;
        ports[i] = p;
        values[i] = flow;
        size++;
        return true;
    }

    /** Removes a key. @return the flow index it had, or -1 */
    public int remove(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort) {
        long a = addrKey(guestAddr, peerAddr);
        long p = portKey(protocol, guestPort, peerPort);
        int i = slot(a, p);
        while (true) {
            if (values[i] == EMPTY) return -1;
            if (addrs[i] == a && ports[i] == p) break;
            i = (i + 1) & mask;
        }
        int removed = values[i];
        // Backward-shift deletion: move later entries of the chain into the hole.
        int hole = i;
        int j = (i + 1) & mask;
        while (values[j] != EMPTY) {
            int home = slot(addrs[j], ports[j]);
            // Move j into the hole if its home is not between hole (exclusive) and j (inclusive), cyclically.
            boolean homeInRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeInRange) {
                addrs[hole] = addrs[j];
                ports[hole] = ports[j];
                values[hole] = values[j];
                hole = j;
            }
            j = (j + 1) & mask;
        }
        values[hole] = EMPTY;
        size--;
        return removed;
    }

    private static long addrKey(int guestAddr, int peerAddr) {
        return ((long) guestAddr << 32) | (peerAddr & 0xFFFF_FFFFL);
    }

    private static long portKey(int protocol, int guestPort, int peerPort) {
        return ((long) protocol << 32) | ((long) (guestPort & 0xFFFF) << 16) | (peerPort & 0xFFFF);
    }

    private int slot(long a, long p) {
        long h = a * 0x9E3779B97F4A7C15L ^ p * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        return (int) h & mask;
    }
}
