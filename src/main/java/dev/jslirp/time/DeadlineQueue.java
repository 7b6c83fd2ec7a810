package dev.jslirp.time;

import java.util.Arrays;

/**
 * The next deadline of each of a fixed number of slots (flow indexes), earliest first: an
 * indexed binary min-heap. Setting, moving and removing a slot's deadline costs O(log n), and
 * the earliest one is read in O(1), so a timer tick touches only the flows that are due
 * instead of every slot. (Scanning every slot on every tick was 15% of jslirp's CPU under
 * connection churn: thousands of flows in TIME-WAIT, one expiring every fraction of a
 * millisecond.)
 *
 * <p>Allocation-free after construction. One thread uses it; plain fields.
 */
public final class DeadlineQueue {
    /** Heap order: heap[0] is the slot with the earliest deadline. */
    private final int[] heap;
    /** A slot's position in {@link #heap}, or -1 when it has no deadline. */
    private final int[] position;
    private final long[] deadline;
    private int size;

    public DeadlineQueue(int slots) {
        if (slots < 1) throw new IllegalArgumentException("slots must be positive: " + slots);
        heap = new int[slots];
        position = new int[slots];
        deadline = new long[slots];
        Arrays.fill(position, -1);
    }

    /** Gives {@code slot} the deadline {@code atNs}; {@link Long#MAX_VALUE} removes it (no deadline). */
    public void schedule(int slot, long atNs) {
        if (atNs == Long.MAX_VALUE) {
            remove(slot);
            return;
        }
        int i = position[slot];
        if (i < 0) {
            i = size++;
            heap[i] = slot;
            position[slot] = i;
            deadline[slot] = atNs;
            siftUp(i);
            return;
        }
        long old = deadline[slot];
        if (atNs == old) return;
        deadline[slot] = atNs;
        if (atNs < old) siftUp(i); else siftDown(i);
    }

    /** {@code slot} no longer has a deadline. */
    public void remove(int slot) {
        int i = position[slot];
        if (i < 0) return;
        position[slot] = -1;
        int last = heap[--size];
        if (i == size) return;
        heap[i] = last;
        position[last] = i;
        siftDown(i);
        siftUp(position[last]);
    }

    public boolean isEmpty() { return size == 0; }

    public int size() { return size; }

    /** The earliest deadline, or {@link Long#MAX_VALUE} if no slot has one. */
    public long earliestNs() { return size == 0 ? Long.MAX_VALUE : deadline[heap[0]]; }

    /** The slot with the earliest deadline; only when not {@link #isEmpty()}. */
    public int earliestSlot() {
        if (size == 0) throw new IllegalStateException("no deadlines");
        return heap[0];
    }

    /** {@code slot}'s deadline, or {@link Long#MAX_VALUE} if it has none. */
    public long deadlineOf(int slot) { return position[slot] < 0 ? Long.MAX_VALUE : deadline[slot]; }

    private void siftUp(int i) {
        int slot = heap[i];
        long d = deadline[slot];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int p = heap[parent];
            if (deadline[p] <= d) break;
            heap[i] = p;
            position[p] = i;
            i = parent;
        }
        heap[i] = slot;
        position[slot] = i;
    }

    private void siftDown(int i) {
        int slot = heap[i];
        long d = deadline[slot];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int c = heap[child];
            int right = child + 1;
            if (right < size && deadline[heap[right]] < deadline[c]) {
                child = right;
                c = heap[child];
            }
            if (d <= deadline[c]) break;
            heap[i] = c;
            position[c] = i;
            i = child;
        }
        heap[i] = slot;
        position[slot] = i;
    }
}
