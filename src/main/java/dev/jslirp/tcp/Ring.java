package dev.jslirp.tcp;

import dev.jslirp.os.NativeMemory;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;

/**
 * The memory of one {@link SendBuffer} or {@link ReceiveBuffer}: native, so that host reads
 * land in it and host writes and frames to the guest leave from it without another copy
 * (the heap rings cost two memory copies per segment, ~13% of the CPU at 7 Gbit/s). Freed
 * explicitly by {@link BufferBudget}, which owns every ring it hands out.
 *
 * <p>Each ring has a confined arena of its own: freeing closes it, so a stale reference can
 * only fail (an IllegalStateException from its buffer or {@link #address()}), never touch
 * memory that has been unmapped or handed to another flow. The event loop, the one thread
 * that runs the TCP stack, allocates, uses and frees every ring.
 */
final class Ring {
    /** A ring of no bytes, for buffers that hold nothing; never freed. */
    static final Ring EMPTY = new Ring();

    private final Arena arena;
    /** The bytes, as a direct buffer (position and limit unused: absolute access only). */
    final ByteBuffer buffer;
    private final long address;
    final int size;
    private boolean freed;

    private Ring() {
        arena = null;
        buffer = ByteBuffer.allocateDirect(0);
        address = 0;
        size = 0;
    }

    private Ring(int size) {
        this.arena = Arena.ofConfined();
        var segment = NativeMemory.allocate(size, arena);
        this.buffer = segment.asByteBuffer();
        this.address = segment.address();
        this.size = size;
    }

    static Ring allocate(int size) {
        return new Ring(size);
    }

    /**
     * Native address of byte 0, for syscalls (which bypass the buffer's own check).
     * @throws IllegalStateException if the ring has been freed
     */
    long address() {
        if (freed) throw new IllegalStateException("TCP ring used after it was freed");
        return address;
    }

    /** Returns the memory to the OS. Idempotent; the ring must not be used afterwards. */
    void free() {
        if (freed || arena == null) return;
        freed = true;
        arena.close();
    }

    boolean isFreed() { return freed; }
}
