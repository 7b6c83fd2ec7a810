package dev.jslirp.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A reusable native array of {@code struct epoll_event} filled by {@link Epoll#wait}.
 * Read {@code events(i)} and {@code data(i)} for {@code i < count()}; nothing allocates.
 */
public final class EpollEvents {
    private final MemorySegment segment;
    private final int capacity;
    final long address;
    int count;

    public EpollEvents(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity < 1");
        this.capacity = capacity;
        segment = Arena.ofAuto().allocate((long) capacity * Abi.EPOLL_EVENT_LENGTH, 8);
        address = segment.address();
    }

    public int capacity() {
        return capacity;
    }

    /** Events returned by the last wait. */
    public int count() {
        return count;
    }

    public int events(int i) {
        return segment.get(Native.INT_U, (long) index(i) * Abi.EPOLL_EVENT_LENGTH + Abi.EPOLL_EVENTS_OFFSET);
    }

    public long data(int i) {
        return segment.get(Native.LONG_U, (long) index(i) * Abi.EPOLL_EVENT_LENGTH + Abi.EPOLL_DATA_OFFSET);
    }

    private int index(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
        return i;
    }
}
