package dev.jslirp.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The plumbing every binding shares: the linker, libc symbols, errno capture and a small
 * per-thread scratch area.
 *
 * <p>Every downcall that can fail is linked with {@code captureCallState("errno")}; the
 * captured-state segment it writes is allocated once per thread (in {@link Scratch}), so a
 * call allocates nothing. The same {@code Scratch} has a few hundred bytes of native memory
 * for small out-parameters (a {@code socklen_t}, an {@code int} option value, a
 * {@code pollfd}) that are only live during one call.
 *
 * <p>Lazy linking: each binding keeps every handle in a holder class of its own
 * ({@code private static final class Read { static final MethodHandle HANDLE = ...; }}), so a
 * handle is made when it is first called. Making one spins lambda forms and a stub class
 * (~1-3 ms each in a cold JVM, none of it in the AOT cache); made eagerly in static
 * initialisers, the ~70 handles cost ~40% of jslirp's start-up although a run uses about a
 * third of them. The holder's field is still a static final constant, so the JIT inlines the
 * call as before. Before a process gives up file access (Landlock), {@link #linkAll()} links
 * every handle, since a holder class not loaded by then may not be readable afterwards.
 */
final class Native {
    private Native() {}

    static final Linker LINKER = Linker.nativeLinker();

    /** The classes whose nested holder classes each keep one downcall handle. */
    static final Class<?>[] BINDINGS = {
        Sys.class, Sockets.class, Epoll.class, Namespaces.class, Privileges.class, Spawn.class,
        Landlock.class, Errno.class, NativeMemory.class,
    };

    /**
     * Loads and initialises every holder class, linking every handle (what class
     * initialisation used to do): for a process about to lose file access.
     */
    static void linkAll() {
        for (Class<?> binding : BINDINGS) {
            for (Class<?> holder : binding.getDeclaredClasses()) {
                try {
                    holder.getDeclaredField("HANDLE");
                    Class.forName(holder.getName(), true, holder.getClassLoader());
                } catch (NoSuchFieldException e) {
                    // a nested class of another kind (Report, Policy, ...)
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;
    static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;
    static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

    /** Per-thread native memory; see the class comment. */
    static final class Scratch {
        static final int LENGTH = 256;
        final MemorySegment errno;
        final MemorySegment mem;
        // A tiny cache ByteBuffer -> address so the ByteBuffer overloads allocate nothing once
        // a thread has seen its (few, long-lived) frame buffers. It keeps up to 8 buffers per
        // thread reachable; a thread cycling through more than 8 buffers allocates a little
        // per call (MemorySegment.ofBuffer): pass addresses from Sys.address() instead.
        private final ByteBuffer[] buffers = new ByteBuffer[8];
        private final long[] addresses = new long[8];
        private int next;

        Scratch() {
            Arena arena = Arena.ofAuto();
            errno = arena.allocate(CAPTURE);
            mem = arena.allocate(LENGTH, 16);
        }

        long address(ByteBuffer buf) {
            for (int i = 0; i < buffers.length; i++) {
                if (buffers[i] == buf) return addresses[i];
            }
            long a = Native.address(buf);
            buffers[next] = buf;
            addresses[next] = a;
            next = (next + 1) & (buffers.length - 1);
            return a;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /** Native address of a direct buffer's first byte (allocates a little; cache it). */
    static long address(ByteBuffer direct) {
        if (!direct.isDirect()) throw new IllegalArgumentException("buffer is not direct");
        return MemorySegment.ofBuffer(direct).address() - direct.position();
    }

    /** Native address of {@code buf[offset, offset + length)}, bounds checked, allocation-free. */
    static long address(Scratch s, ByteBuffer buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.capacity());
        return s.address(buf) + offset;
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** {@code r} if it is not negative, else {@code -errno}. */
    static int result(int r, MemorySegment state) {
        return r < 0 ? -errno(state) : r;
    }

    static int result(long r, MemorySegment state) {
        return r < 0 ? -errno(state) : (int) r;
    }

    static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    static java.util.Optional<MemorySegment> optionalSymbol(String name) {
        return LINKER.defaultLookup().find(name);
    }

    /** A downcall whose first parameter is the errno capture segment. */
    @SuppressWarnings("restricted") // linking native code is this package's job
    static MethodHandle errnoCall(String name, FunctionDescriptor fd, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE_ERRNO;
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(symbol(name), fd, all);
    }

    /** A downcall that cannot fail (getpid) or whose errno we do not need. */
    @SuppressWarnings("restricted")
    static MethodHandle call(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(symbol(name), fd, options);
    }

    /** Like {@link #call}, for a function older libcs lack. */
    @SuppressWarnings("restricted")
    static java.util.Optional<MethodHandle> optionalCall(String name, FunctionDescriptor fd) {
        return optionalSymbol(name).map(sym -> LINKER.downcallHandle(sym, fd));
    }

    /** A C string returned by libc (strerror, pw_dir), copied; "" for NULL. */
    @SuppressWarnings("restricted")
    static String copyCString(MemorySegment pointer) {
        return pointer.address() == 0 ? "" : pointer.reinterpret(4096).getString(0);
    }

    /** The value of a libc global pointer variable ({@code environ}). */
    @SuppressWarnings("restricted")
    static MemorySegment globalPointer(String name) {
        return symbol(name).reinterpret(8).get(PTR, 0);
    }

    /** A pointer to a {@code length}-byte struct returned by libc (getpwnam). */
    @SuppressWarnings("restricted")
    static MemorySegment struct(MemorySegment pointer, long length) {
        return pointer.reinterpret(length);
    }

    /** Short non-blocking calls: no thread-state transition. Never use for a call that may block. */
    static Linker.Option critical() {
        return Linker.Option.critical(false);
    }

    static Linker.Option variadicFrom(int index) {
        return Linker.Option.firstVariadicArg(index);
    }

    /** Wraps what only a broken binding can throw (wrong types in invokeExact). */
    static AssertionError bug(Throwable t) {
        return new AssertionError("native call failed unexpectedly", t);
    }

    /** A NUL-terminated UTF-8 copy of {@code s} (start-up paths only). */
    static MemorySegment cString(Arena arena, String s) {
        return arena.allocateFrom(s);
    }
}
