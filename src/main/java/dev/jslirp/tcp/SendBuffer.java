package dev.jslirp.tcp;

import java.nio.ByteBuffer;

/**
 * Bytes read from the host socket and not yet acknowledged by the guest, as a ring.
 * Offset 0 is the oldest byte (the one at SND.UNA once the SYN is acknowledged). Java
 * cannot peek at a socket like passt's {@code MSG_PEEK}, so retransmissions come from here.
 *
 * <p>The ring is allocated on first use ({@link #INITIAL} bytes) and doubles, up to
 * {@link #capacity}, when it is three quarters full and the shared {@link BufferBudget}
 * allows: an idle flow holds no memory, a busy one only what its traffic needs. It is native
 * memory ({@link Ring}): host reads land in it ({@link #readFrom}) and frames to the guest
 * may be sent from it, with no copy in between.
 */
final class SendBuffer {
    /** First allocation; also what a flow gets when the budget is spent. */
    static final int INITIAL = 16 * 1024;

    private final int capacity;
    private final BufferBudget budget;
    private Ring ring = Ring.EMPTY;
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

    Ring ring() { return ring; }

    /** Appends {@code n <= free()} bytes. */
    void append(ByteBuffer src, int srcOffset, int n) {
        if (size == 0 && !released) allocate();
        assert n >= 0 && n <= size - length : "append beyond capacity";
        int tail = index(length);
        int first = Math.min(n, size - tail);
        ring.buffer.put(tail, src, srcOffset, first);
        if (n > first) {
            ring.buffer.put(0, src, srcOffset + first, n - first);
        }
        length += n;
    }

    /**
     * Reads from the host socket straight into the free space (two reads when it wraps).
     * @return bytes read (&gt; 0), 0 if the socket had nothing or there is no room, or what
     *     {@link HostStream#read} returned for end of stream or an error
     */
    int readFrom(HostStream host) {
        int free = free();
        if (free == 0) return 0;
        int tail = index(length);
        int first = Math.min(free, size - tail);
        int n = host.read(ring.address() + tail, first);
        if (n <= 0) return n;
        length += n;
        if (n == first && free > first) {
            int more = host.read(ring.address(), free - first);
            if (more > 0) {
                length += more;
                n += more;
            } // end of stream or an error shows again on the next read
        }
        return n;
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
        dst.put(dstOffset, ring.buffer, start, first);
        if (n > first) {
            dst.put(dstOffset + first, ring.buffer, 0, n - first);
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
        ring = Ring.EMPTY;
    }

    /** A released buffer made new again, for a reused connection ({@link TcpConnection#reopen}). */
    void reopen() {
        if (!released) release();
        released = false;
    }

    private void allocate() {
        size = Math.min(capacity, INITIAL);
        budget.force(size);
        ring = budget.take(size);
    }

    private void grow() {
        int bigger = Math.min(capacity, size * 2);
        if (!budget.tryReserve(bigger - size)) return;
        Ring next = budget.take(bigger);
        copyOut(0, next.buffer, 0, length);
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
