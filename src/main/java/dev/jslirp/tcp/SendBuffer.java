package dev.jslirp.tcp;

import java.nio.ByteBuffer;

/**
 * Bytes read from the host socket and not yet acknowledged by the guest, as a ring.
 * Offset 0 is the oldest byte (the one at SND.UNA once the SYN is acknowledged). Java
 * cannot peek at a socket like passt's {@code MSG_PEEK}, so retransmissions come from here.
 */
final class SendBuffer {
    private final ByteBuffer ring;
    private final int capacity;
    private int head;
    private int length;

    SendBuffer(int capacity) {
        this.capacity = capacity;
        this.ring = ByteBuffer.allocate(capacity);
    }

    int length() { return length; }

    int free() { return capacity - length; }

    int capacity() { return capacity; }

    ByteBuffer ring() { return ring; }

    /** Appends {@code n <= free()} bytes. */
    void append(ByteBuffer src, int srcOffset, int n) {
        assert n >= 0 && n <= free() : "append beyond capacity";
        int tail = index(length);
        int first = Math.min(n, capacity - tail);
        ring.put(tail, src, srcOffset, first);
        if (n > first) {
            ring.put(0, src, srcOffset + first, n - first);
        }
        length += n;
    }

    /** Ring index of the {@code n} bytes at {@code offset}, or -1 if they wrap around the end. */
    int contiguousIndex(int offset, int n) {
        int start = index(offset);
        return start + n <= capacity ? start : -1;
    }

    /** Copies {@code n} bytes starting {@code offset} bytes past the oldest into {@code dst}. */
    void copyOut(int offset, ByteBuffer dst, int dstOffset, int n) {
        assert offset >= 0 && n >= 0 && offset + n <= length : "copy beyond buffered data";
        int start = index(offset);
        int first = Math.min(n, capacity - start);
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

    private int index(int offset) {
        int i = head + offset;
        return i >= capacity ? i - capacity : i;
    }
}
