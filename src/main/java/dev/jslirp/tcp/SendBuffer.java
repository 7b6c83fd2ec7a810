package dev.jslirp.tcp;

import java.nio.ByteBuffer;

/**
 * Bytes read from the host socket and not yet acknowledged by the guest, as a ring.
 * Offset 0 is the oldest byte (the one at SND.UNA once the SYN is acknowledged). Java
 * cannot peek at a socket like passt's {@code MSG_PEEK}, so retransmissions come from here.
 *
 * <p>The ring is allocated on first use ({@link #INITIAL} bytes) and doubles, up to
 * {@link #capacity}, when it is three quarters full and the shared {@link BufferBudget}
 * allows: an idle flow holds no memory, a busy one only what its traffic needs.
 */
final class SendBuffer {
    /** First allocation; also what a flow gets when the budget is spent. */
    static final int INITIAL = 16 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final int capacity;
    private final BufferBudget budget;
    private ByteBuffer ring = EMPTY;
    private int size;
    private int head;
    private int length;
    private boolean released;

    SendBuffer(int capacity) { this(capacity, BufferBudget.UNLIMITED); }

    SendBuffer(int capacity, BufferBudget budget) {
        this.capacity = capacity;
        this.budget = budget;
    }

    int length() { return length; }

    /** Room for host bytes now; grows the ring first if it is getting full. */
    int free() {
        if (released) return 0;
        if (size == 0) {
            allocate();
        } else if (length >= size - size / 4 && size < capacity) {
            grow();
        }
        return size - length;
    }

    /** The most this buffer may ever hold. */
    int capacity() { return capacity; }

    /** Bytes allocated now. */
    int allocated() { return size; }

    ByteBuffer ring() { return ring; }

    /** Appends {@code n <= free()} bytes. */
    void append(ByteBuffer src, int srcOffset, int n) {
        if (size == 0 && !released) allocate();
        assert n >= 0 && n <= size - length : "append beyond capacity";
        int tail = index(length);
        int first = Math.min(n, size - tail);
        ring.put(tail, src, srcOffset, first);
        if (n > first) {
            ring.put(0, src, srcOffset + first, n - first);
        }
        length += n;
    }

    /** Ring index of the {@code n} bytes at {@code offset}, or -1 if they wrap around the end. */
    int contiguousIndex(int offset, int n) {
        int start = index(offset);
        return start + n <= size ? start : -1;
    }

    /** Copies {@code n} bytes starting {@code offset} bytes past the oldest into {@code dst}. */
    void copyOut(int offset, ByteBuffer dst, int dstOffset, int n) {
        assert offset >= 0 && n >= 0 && offset + n <= length : "copy beyond buffered data";
        int start = index(offset);
        int first = Math.min(n, size - start);
        dst.put(dstOffset, ring, start, first);
        if (n > first) {
            dst.put(dstOffset + first, ring, 0, n - first);
        }
    }

    /** Drops the {@code n} oldest bytes (acknowledged by the guest). */
    void consume(int n) {
        assert n >= 0 && n <= length : "consume beyond buffered data";
        head = index(n);
        length -= n;
    }

    /** Gives the memory back to the budget; the buffer is unusable afterwards. */
    void release() {
        budget.release(size);
        if (size > 0) budget.give(ring);
        released = true;
        size = 0;
        length = 0;
        head = 0;
        ring = EMPTY;
    }

    private void allocate() {
        size = Math.min(capacity, INITIAL);
        budget.force(size);
        ring = budget.take(size);
    }

    private void grow() {
        int bigger = Math.min(capacity, size * 2);
        if (!budget.tryReserve(bigger - size)) return;
        ByteBuffer next = budget.take(bigger);
        copyOut(0, next, 0, length);
        budget.give(ring);
        ring = next;
        size = bigger;
        head = 0;
    }

    private int index(int offset) {
        int i = head + offset;
        return i >= size ? i - size : i;
    }
}
