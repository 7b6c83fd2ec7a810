package dev.jslirp.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Anonymous memory mapped and unmapped by us (mmap/munmap), for buffers that the OS reads into
 * and writes from directly (a TCP flow's rings): their address is fixed, so a syscall needs
 * no copy through the Java heap, and their pages go back to the OS the moment they are freed
 * instead of waiting for a garbage collection, as a direct ByteBuffer's would.
 *
 * <p>Each mapping belongs to an {@link Arena} the caller chooses: closing the arena unmaps it,
 * and from then on the segment and every ByteBuffer made from it refuse access (an
 * {@link IllegalStateException}) instead of reading or writing whatever the OS maps at that
 * address next. A confined arena makes that check cheap and ties the memory to one thread,
 * which suits the event loop that owns every flow.
 */
public final class NativeMemory {
    private NativeMemory() {}

    // The same values on Linux x86-64 and arm64 (asm-generic/mman-common.h, mman.h).
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;

    /**
     * {@code size} bytes of zeroed, page-aligned memory, unmapped when {@code arena} closes;
     * pages cost RSS only once touched.
     * @throws OutOfMemoryError if the OS refuses the mapping
     */
    @SuppressWarnings("restricted")
    public static MemorySegment allocate(long size, Arena arena) {
        if (size <= 0) throw new IllegalArgumentException("size must be positive: " + size);
        // mmap and munmap of anonymous memory never block: the critical handle.
        long address = Native.syscallCritical(Abi.SYS_MMAP, 0, size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (address < 0) throw new OutOfMemoryError("mmap of " + size + " bytes failed: errno " + -address);
        return MemorySegment.ofAddress(address).reinterpret(size, arena, mapping -> unmap(address, size));
    }

    private static void unmap(long address, long size) {
        long r = Native.syscallCritical(Abi.SYS_MUNMAP, address, size);
        if (r != 0) throw new IllegalStateException("munmap failed: errno " + -r);
    }
}
