package dev.jslirp.tcp;

import java.nio.ByteBuffer;

/**
 * Guest→host bytes the host socket has not taken yet, plus out-of-order segments waiting
 * for a hole to fill (RFC 9293 §3.10.7.4, seventh: "segments with higher beginning
 * sequence numbers may be held"). One ring of fixed capacity holds both: in-order bytes
 * from the read position, then the window, in which out-of-order bytes are stored where
 * they belong. The window we advertise is the free space after the in-order bytes, so
 * the guest can never make us hold more than the capacity.
 *
 * <p>Memory grows with the traffic: the window starts at {@link #INITIAL_WINDOW} bytes if the
 * shared {@link BufferBudget} has them, else at {@link SendBuffer#INITIAL} (always granted);
 * it is reserved from the budget at once but allocated only when a byte has to be held, so an
 * idle flow, and a busy one whose host socket keeps up ({@link #passThrough}), holds no memory.
 * It doubles, up to {@link #capacity}, while the shared {@link BufferBudget} allows, when
 * <ul>
 * <li>the guest fills three quarters of it (the host is slower than the guest), or
 * <li>a whole window's worth of bytes arrived in order since the last doubling (a bulk sender).
 * Without this a fast host would keep the window at its first size, and a guest whose MTU
 * is large would also cut its segments to half of that window (Linux bounds its MSS by half
 * the largest window it has seen, tcp_bound_to_half_wnd): at MTU 65520 that halved
 * the segments and throughput.
 * </ul>
 * The window's right edge never moves back (RFC 9293
 * §3.8.6.2.2: do not shrink the window), because the ring never shrinks while in use.
 *
 * <p>Positions are stream offsets ({@code long}, counted since the connection began), so
 * out-of-order ranges do not move when bytes are consumed. At most {@link #MAX_RANGES}
 * holes are tracked; a segment that would need more is dropped (the guest retransmits).
 */
final class ReceiveBuffer {
    static final int MAX_RANGES = 8;
    /** The window offered in the SYN (RFC 7323 §2.2: unscaled there anyway) when the budget allows. */
    static final int INITIAL_WINDOW = 64 * 1024;

    private final int capacity;
    private final BufferBudget budget;
    private Ring ring = Ring.EMPTY;
    /** The window we offer: the ring's size once allocated. */
    private int size;
    private boolean allocated, released;
    /** Stream position of the first byte not yet taken by the host. */
    private long readPos;
    /** Stream position after the last in-order byte (corresponds to RCV.NXT). */
    private long writePos;
    /**
     * Out-of-order ranges, sorted. Allocated at the first out-of-order segment: a flow slot's
     * objects live as long as the slot (the flow table reuses them), thousands of slots are
     * filled under connection churn, and most flows never see a hole (2 x 8 longs were a third
     * of a slot's heap).
     */
    private long[] rangeStart = NO_RANGES, rangeEnd = NO_RANGES;
    private static final long[] NO_RANGES = new long[0];
    private int rangeCount;
    /** In-order bytes since the window last doubled (or since the start). */
    private long sinceGrowth;

    ReceiveBuffer(int capacity) { this(capacity, BufferBudget.UNLIMITED); }

    ReceiveBuffer(int capacity, BufferBudget budget) {
        this.capacity = capacity;
        this.budget = budget;
        reserveInitialWindow();
    }

    /** The first window: {@link #INITIAL_WINDOW} if the budget allows, else a first chunk, which is always granted. */
    private void reserveInitialWindow() {
        int initial = Math.min(capacity, INITIAL_WINDOW);
        if (budget.tryReserve(initial)) {
            size = initial;
        } else {
            size = Math.min(capacity, SendBuffer.INITIAL);
            budget.force(size);
        }
    }

    /** A released buffer made new again, for a reused connection ({@link TcpConnection#reopen}). */
    void reopen() {
        if (!released) release();
        released = false;
        readPos = writePos = 0;
        rangeCount = 0;
        rangeStart = rangeEnd = NO_RANGES;
        sinceGrowth = 0;
        reserveInitialWindow();
    }

    /** In-order bytes waiting for the host. */
    int length() { return (int) (writePos - readPos); }

    /** Room past the in-order bytes: the receive window. */
    int window() { return released ? 0 : size - length(); }

    /** The most this buffer may ever offer. */
    int capacity() { return capacity; }

    /** Bytes allocated now. */
    int allocated() { return allocated ? size : 0; }

    /** Number of out-of-order ranges held. */
    int outOfOrderRanges() { return rangeCount; }

    /**
     * Stores {@code n} bytes that start {@code offset} bytes past the in-order end;
     * {@code offset + n <= window()}.
     * @return how many bytes the in-order end advanced (0 for an out-of-order segment), or
     *     -1 if the segment was not kept because too many holes are tracked
     */
    int insert(int offset, ByteBuffer src, int srcOffset, int n) {
        assert offset >= 0 && n > 0 && offset + n <= window() : "insert outside the window";
        if (!allocated) {
            ring = budget.take(size);
            allocated = true;
        }
        long start = writePos + offset;
        if (start + n - readPos >= size - size / 4 && size < capacity) grow();
        long end = start + n;
        if (offset == 0) {
            copyIn(start, src, srcOffset, n);
            long before = writePos;
            writePos = end;
            // Held ranges that now touch the in-order end join it.
            int merged = 0;
            while (merged < rangeCount && rangeStart[merged] <= writePos) {
                writePos = Math.max(writePos, rangeEnd[merged]);
                merged++;
            }
            removeRanges(0, merged);
            countInOrder(writePos - before);
            return (int) (writePos - before);
        }
        int i = 0;
        while (i < rangeCount && rangeEnd[i] < start) i++;
        int j = i;
        long mergedStart = start;
        long mergedEnd = end;
        while (j < rangeCount && rangeStart[j] <= end) {
            mergedStart = Math.min(mergedStart, rangeStart[j]);
            mergedEnd = Math.max(mergedEnd, rangeEnd[j]);
            j++;
        }
        int overlapped = j - i;
        if (overlapped == 0 && rangeCount == MAX_RANGES) {
            return -1;
        }
        copyIn(start, src, srcOffset, n);
        if (rangeStart.length == 0) {
            rangeStart = new long[MAX_RANGES];
            rangeEnd = new long[MAX_RANGES];
        }
        if (overlapped == 0) {
            System.arraycopy(rangeStart, i, rangeStart, i + 1, rangeCount - i);
            System.arraycopy(rangeEnd, i, rangeEnd, i + 1, rangeCount - i);
            rangeCount++;
        } else {
            removeRanges(i + 1, overlapped - 1);
        }
        rangeStart[i] = mergedStart;
        rangeEnd[i] = mergedEnd;
        return 0;
    }

    /** True when nothing is held: no in-order bytes waiting and no out-of-order ranges. */
    boolean isEmpty() { return writePos == readPos && rangeCount == 0; }

    /**
     * Counts {@code n} in-order bytes that went straight to the host without being stored
     * (allowed only when {@link #isEmpty}): the window stays where it was, and no copy is made.
     */
    void passThrough(int n) {
        assert isEmpty() && n >= 0 && n <= window() : "pass-through with bytes held or beyond the window";
        readPos += n;
        writePos += n;
        countInOrder(n);
    }

    private void countInOrder(long n) {
        sinceGrowth += n;
        if (sinceGrowth >= size && size < capacity && !released) {
            sinceGrowth = 0;
            grow();
        }
    }

    /** Copies up to {@code max} in-order bytes into {@code dst}; returns the count. */
    int copyOut(ByteBuffer dst, int dstOffset, int max) {
        int n = Math.min(max, length());
        if (n <= 0) return 0;
        int start = index(readPos);
        int first = Math.min(n, size - start);
        dst.put(dstOffset, ring.buffer, start, first);
        if (n > first) {
            dst.put(dstOffset + first, ring.buffer, 0, n - first);
        }
        return n;
    }

    /**
     * Writes in-order bytes to the host socket straight from the ring (two writes when they
     * wrap) and consumes what it took.
     * @return bytes taken (0 if the socket is full), or the negative errno {@link HostStream#write} returned
     */
    int writeTo(HostStream host) {
        int n = length();
        if (n == 0) return 0;
        int start = index(readPos);
        int first = Math.min(n, size - start);
        int written = host.write(ring.address() + start, first);
        if (written <= 0) return written;
        readPos += written;
        if (written == first && n > first) {
            int more = host.write(ring.address(), n - first);
            if (more > 0) {
                readPos += more;
                written += more;
            } // a full socket or an error shows again on the next write
        }
        return written;
    }

    /** The host took {@code n} in-order bytes. */
    void consume(int n) {
        assert n >= 0 && n <= length() : "consume beyond in-order data";
        readPos += n;
    }

    /** Gives the memory back to the budget; the buffer offers no window afterwards. */
    void release() {
        if (!released) budget.release(size);
        if (allocated) budget.give(ring);
        allocated = false;
        released = true;
        ring = Ring.EMPTY;
    }

    /** Doubles the ring; held bytes (all within [readPos, readPos + size)) keep their stream positions. */
    private void grow() {
        int bigger = Math.min(capacity, size * 2);
        if (!budget.tryReserve(bigger - size)) return;
        if (isEmpty()) { // nothing held: only the reservation grows; the ring is taken when needed
            if (allocated) budget.give(ring);
            ring = Ring.EMPTY;
            allocated = false;
            size = bigger;
            return;
        }
        Ring next = budget.take(bigger);
        long pos = readPos;
        long end = readPos + size;
        while (pos < end) {
            int from = (int) (pos % size);
            int to = (int) (pos % bigger);
            int n = (int) Math.min(end - pos, Math.min(size - from, bigger - to));
            next.buffer.put(to, ring.buffer, from, n);
            pos += n;
        }
        budget.give(ring);
        ring = next;
        size = bigger;
    }

    private void copyIn(long pos, ByteBuffer src, int srcOffset, int n) {
        int start = index(pos);
        int first = Math.min(n, size - start);
        ring.buffer.put(start, src, srcOffset, first);
        if (n > first) {
            ring.buffer.put(0, src, srcOffset + first, n - first);
        }
    }

    private void removeRanges(int from, int count) {
        if (count == 0) return;
        System.arraycopy(rangeStart, from + count, rangeStart, from, rangeCount - from - count);
        System.arraycopy(rangeEnd, from + count, rangeEnd, from, rangeCount - from - count);
        rangeCount -= count;
    }

    private int index(long pos) { return (int) (pos % size); }
}
