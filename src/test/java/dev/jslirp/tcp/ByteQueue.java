package dev.jslirp.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/** A fixed-capacity FIFO of bytes over a ring; does not allocate after construction. */
final class ByteQueue {
    private final byte[] ring;
    private int head;
    private int size;

    ByteQueue(int capacity) { ring = new byte[capacity]; }

    int size() { return size; }

    int free() { return ring.length - size; }

    /** Appends up to {@code n} bytes from {@code src}; returns how many fitted. */
    int put(ByteBuffer src, int offset, int n) {
        n = Math.min(n, free());
        int tail = (head + size) % ring.length;
        int first = Math.min(n, ring.length - tail);
        src.get(offset, ring, tail, first);
        if (n > first) src.get(offset + first, ring, 0, n - first);
        size += n;
        return n;
    }

    /** All of memory, to copy from and to native addresses without allocating a segment per call. */
    @SuppressWarnings("restricted")
    private static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** As {@link #put(ByteBuffer, int, int)}, from native memory. */
    int put(long address, int n) {
        n = Math.min(n, free());
        int tail = (head + size) % ring.length;
        int first = Math.min(n, ring.length - tail);
        MemorySegment.copy(MEMORY, ValueLayout.JAVA_BYTE, address, ring, tail, first);
        if (n > first) MemorySegment.copy(MEMORY, ValueLayout.JAVA_BYTE, address + first, ring, 0, n - first);
        size += n;
        return n;
    }

    /** As {@link #take(ByteBuffer, int, int)}, into native memory. */
    int take(long address, int n) {
        n = Math.min(n, size);
        int first = Math.min(n, ring.length - head);
        MemorySegment.copy(ring, head, MEMORY, ValueLayout.JAVA_BYTE, address, first);
        if (n > first) MemorySegment.copy(ring, 0, MEMORY, ValueLayout.JAVA_BYTE, address + first, n - first);
        head = (head + n) % ring.length;
        size -= n;
        return n;
    }

    int put(byte[] src, int offset, int n) {
        return put(ByteBuffer.wrap(src), offset, n);
    }

    /** Removes up to {@code n} bytes into {@code dst}; returns how many. */
    int take(ByteBuffer dst, int offset, int n) {
        n = Math.min(n, size);
        int first = Math.min(n, ring.length - head);
        dst.put(offset, ring, head, first);
        if (n > first) dst.put(offset + first, ring, 0, n - first);
        head = (head + n) % ring.length;
        size -= n;
        return n;
    }

    int take(byte[] dst, int offset, int n) {
        return take(ByteBuffer.wrap(dst), offset, n);
    }

    /** Drops up to {@code n} bytes without copying; returns how many. */
    int skip(int n) {
        n = Math.min(n, size);
        head = (head + n) % ring.length;
        size -= n;
        return n;
    }

    byte[] takeAll() {
        byte[] all = new byte[size];
        take(all, 0, size);
        return all;
    }
}
