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
 * The plumbing every binding shares: the linker, libc symbols, errno capture, the two
 * {@code syscall(2)} handles most bindings go through, and a small per-thread scratch area.
 *
 * <p>Every downcall that can fail is linked with {@code captureCallState("errno")}; the
 * captured-state segment it writes is allocated once per thread (in {@link Scratch}), so a
 * call allocates nothing. The same {@code Scratch} has a few hundred bytes of native memory
 * for small out-parameters (a {@code socklen_t}, an {@code int} option value, a
 * {@code pollfd}) that are only live during one call.
 *
 * <p>One shape for the plain syscalls: where glibc's function is a thin wrapper of one Linux
 * syscall (read, sendto, epoll_ctl, mmap, setns...), the binding calls libc's
 * {@code long syscall(long number, ...)} instead, through {@link #syscall} or
 * {@link #syscallCritical}, with the number from {@link Abi} and every argument as a 64-bit
 * long (a pointer as its address). Linking costs a young JVM ~4-8 ms for each distinct shape
 * (FunctionDescriptor and options: a stub class and lambda forms, none of it in the AOT
 * cache) and ~0.1 ms for another handle of a shape already linked; the start-up path used to
 * link one shape after another (open, setns, ioctl, socket, epoll_ctl, readv...), now it links
 * this one twice, critical and not. glibc's syscall() reports an error as the wrappers do, -1
 * and errno, so the results are the same. It is not used where glibc does more than one
 * syscall (posix_spawn, getpwnam, initgroups, strerror), nor for setuid/setgid/setgroups:
 * glibc applies those to every thread of the process, the raw syscalls to the calling thread
 * only.
 *
 * <p>Lazy linking: each handle is kept in a holder class of its own
 * ({@code private static final class Syscall { static final MethodHandle HANDLE = ...; }}), so
 * it is made when first called; made eagerly in static initialisers, the ~70 handles jslirp
 * once had cost ~40% of its start-up although a run used about a third of them. The two
 * syscall handles are held here; the bindings with a libc function of their own (Spawn,
 * Privileges, Errno) keep their holders. The holder's field is still a static final constant,
 * so the JIT inlines the call. Before a process gives up file access (Landlock),
 * {@link #linkAll()} links every handle, since a holder class not loaded by then may not be
 * readable afterwards.
 */
final class Native {
    private Native() {}

    static final Linker LINKER = Linker.nativeLinker();

    /** The classes whose nested holder classes each keep one downcall handle. */
    static final Class<?>[] BINDINGS = {Native.class, Privileges.class, Spawn.class, Errno.class};

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

    // long syscall(long number, ...): the number and six arguments (the most a Linux syscall
    // takes), each a 64-bit long, unused ones 0; variadic after the number, as glibc declares it.
    private static final FunctionDescriptor SYSCALL =
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG, LONG, LONG);

    private static final class Syscall {
        static final MethodHandle HANDLE = errnoCall("syscall", SYSCALL, variadicFrom(1));
    }
    private static final class SyscallCritical {
        static final MethodHandle HANDLE = errnoCall("syscall", SYSCALL, variadicFrom(1), critical());
    }

    /**
     * Linux syscall {@code nr} ({@code Abi.SYS_*}): its result, or {@code -errno}. For calls
     * that may block (I/O on a descriptor that may be blocking, close, waits). A pointer
     * argument is an address: keep what it points into reachable until this returns.
     */
    static long syscall(long nr, long a, long b, long c, long d, long e, long f) {
        MemorySegment errno = SCRATCH.get().errno;
        try {
            long r = (long) Syscall.HANDLE.invokeExact(errno, nr, a, b, c, d, e, f);
            return r < 0 ? -errno(errno) : r;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    static long syscall(long nr, long a) { return syscall(nr, a, 0, 0, 0, 0, 0); }
    static long syscall(long nr, long a, long b) { return syscall(nr, a, b, 0, 0, 0, 0); }
    static long syscall(long nr, long a, long b, long c) { return syscall(nr, a, b, c, 0, 0, 0); }
    static long syscall(long nr, long a, long b, long c, long d) { return syscall(nr, a, b, c, d, 0, 0); }
    static long syscall(long nr, long a, long b, long c, long d, long e) { return syscall(nr, a, b, c, d, e, 0); }

    /**
     * Like {@link #syscall}, linked {@link #critical()}: no thread-state transition. Only for
     * calls that never block (fcntl, socket, setsockopt, epoll_ctl, mmap...).
     */
    static long syscallCritical(long nr, long a, long b, long c, long d, long e, long f) {
        MemorySegment errno = SCRATCH.get().errno;
        try {
            long r = (long) SyscallCritical.HANDLE.invokeExact(errno, nr, a, b, c, d, e, f);
            return r < 0 ? -errno(errno) : r;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    static long syscallCritical(long nr) { return syscallCritical(nr, 0, 0, 0, 0, 0, 0); }
    static long syscallCritical(long nr, long a) { return syscallCritical(nr, a, 0, 0, 0, 0, 0); }
    static long syscallCritical(long nr, long a, long b) { return syscallCritical(nr, a, b, 0, 0, 0, 0); }
    static long syscallCritical(long nr, long a, long b, long c) { return syscallCritical(nr, a, b, c, 0, 0, 0); }
    static long syscallCritical(long nr, long a, long b, long c, long d) { return syscallCritical(nr, a, b, c, d, 0, 0); }
    static long syscallCritical(long nr, long a, long b, long c, long d, long e) { return syscallCritical(nr, a, b, c, d, e, 0); }

    /** Per-thread native memory; see the class comment. */
    static final class Scratch {
        static final int LENGTH = 256;
        final MemorySegment errno;
        final MemorySegment mem;
        /**
         * {@link #mem} as a native-order ByteBuffer, and its address. The calls made per flow
         * or per loop turn (sockaddr, poll, epoll_ctl, socket options) fill it through this
         * view: C1 compiles each MemorySegment store with its VarHandle chain inlined, ~1.9 MiB
         * of compiler arena for a method of five stores against a fraction with ByteBuffer
         * stores, and the largest compile stays in the process's peak RSS.
         */
        final ByteBuffer buf;
        /** The same bytes in network (big-endian) order, for sockaddr ports and addresses. */
        final ByteBuffer net;
        final long address;
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
            buf = mem.asByteBuffer().order(ByteOrder.nativeOrder());
            net = mem.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
            address = mem.address();
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

    /**
     * Native address of {@code buf[offset, offset + length)}, bounds checked, allocation-free.
     * {@code buf} stays reachable, held by the cache, at least until this thread looks up a
     * buffer the cache lacks, which it does not do inside the syscall the address is for.
     */
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

    /** A downcall that cannot fail (sigemptyset) or whose errno we do not need (strerror). */
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
