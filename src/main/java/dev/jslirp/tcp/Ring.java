package dev.jslirp.tcp;

import dev.jslirp.os.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The memory of one {@link SendBuffer} or {@link ReceiveBuffer}: native, so that host reads
 * land in it and host writes and frames to the guest leave from it without another copy
 * (the heap rings cost two memory copies per segment, ~13% of the CPU at 7 Gbit/s). Freed
 * explicitly by {@link BufferBudget}, which owns every ring it hands out.
 */
final class Ring {
    /** A ring of no bytes, for buffers that hold nothing; never freed. */
    static final Ring EMPTY = new Ring();

    private final MemorySegment segment;
    /** The bytes, as a direct buffer (position and limit unused: absolute access only). */
    final ByteBuffer buffer;
    /** Native address of byte 0, for syscalls. */
    final long address;
    final int size;
    private boolean freed;

    private Ring() {
        segment = null;
        buffer = ByteBuffer.allocateDirect(0);
        address = 0;
        size = 0;
    }

    private Ring(MemorySegment segment) {
        this.segment = segment;
        this.buffer = segment.asByteBuffer();
        this.address = segment.address();
        this.size = (int) segment.byteSize();
    }

    static Ring allocate(int size) {
        return new Ring(NativeMemory.allocate(size));
    }

    /** Returns the memory to the OS. Idempotent; the ring must not be used afterwards. */
    void free() {
        if (freed || segment == null) return;
        freed = true;
        NativeMemory.free(segment);
    }

    boolean isFreed() { return freed; }
}
