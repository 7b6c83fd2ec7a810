package dev.jslirp.os;

import static dev.jslirp.os.Native.INT;
import static dev.jslirp.os.Native.LONG;
import static dev.jslirp.os.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * File-descriptor basics: read, write, close, fcntl, dup, pipes, eventfd, poll.
 *
 * <p>Every method returns {@code >= 0} on success or {@code -errno}; none throws for an OS
 * error. read/write allocate nothing: pass a direct buffer (its address is cached per thread)
 * or a raw address from {@link #address(ByteBuffer)}. Neither is linked "critical" because
 * a caller may use them on a blocking descriptor, and a critical call blocks GC.
 */
public final class Sys {
    private Sys() {}

    public static final int O_RDONLY = Abi.O_RDONLY, O_WRONLY = Abi.O_WRONLY, O_RDWR = Abi.O_RDWR,
            O_NONBLOCK = Abi.O_NONBLOCK, O_CLOEXEC = Abi.O_CLOEXEC, O_DIRECTORY = Abi.O_DIRECTORY,
            O_PATH = Abi.O_PATH;
    public static final int EFD_NONBLOCK = Abi.EFD_NONBLOCK, EFD_CLOEXEC = Abi.EFD_CLOEXEC,
            EFD_SEMAPHORE = Abi.EFD_SEMAPHORE;
    public static final int POLLIN = Abi.POLLIN, POLLPRI = Abi.POLLPRI, POLLOUT = Abi.POLLOUT,
            POLLERR = Abi.POLLERR, POLLHUP = Abi.POLLHUP, POLLNVAL = Abi.POLLNVAL,
            POLLRDHUP = Abi.POLLRDHUP;

    // One holder class per downcall: a handle is linked on its first call, not when this class is
    // initialised (see Native, "Lazy linking").
    private static final class Read {
        static final MethodHandle HANDLE = Native.errnoCall("read", FunctionDescriptor.of(LONG, INT, LONG, LONG));
    }
    private static final class Write {
        static final MethodHandle HANDLE = Native.errnoCall("write", FunctionDescriptor.of(LONG, INT, LONG, LONG));
    }
    private static final class Readv {
        static final MethodHandle HANDLE = Native.errnoCall("readv", FunctionDescriptor.of(LONG, INT, LONG, INT));
    }
    private static final class Writev {
        static final MethodHandle HANDLE = Native.errnoCall("writev", FunctionDescriptor.of(LONG, INT, LONG, INT));
    }
    private static final class Close {
        static final MethodHandle HANDLE = Native.errnoCall("close", FunctionDescriptor.of(INT, INT));
    }
    private static final class Fcntl {
        static final MethodHandle HANDLE = Native.errnoCall("fcntl",
                FunctionDescriptor.of(INT, INT, INT, INT), Native.variadicFrom(2), Native.critical());
    }
    // Not critical: replacing newFd closes it, and closing a lingering socket can block.
    private static final class Dup3 {
        static final MethodHandle HANDLE = Native.errnoCall("dup3", FunctionDescriptor.of(INT, INT, INT, INT));
    }
    private static final class Dup2 {
        static final MethodHandle HANDLE = Native.errnoCall("dup2", FunctionDescriptor.of(INT, INT, INT));
    }
    private static final class Pipe2 {
        static final MethodHandle HANDLE = Native.errnoCall("pipe2",
                FunctionDescriptor.of(INT, LONG, INT), Native.critical());
    }
    private static final class Eventfd {
        static final MethodHandle HANDLE = Native.errnoCall("eventfd",
                FunctionDescriptor.of(INT, INT, INT), Native.critical());
    }
    private static final class Poll {
        static final MethodHandle HANDLE = Native.errnoCall("poll", FunctionDescriptor.of(INT, LONG, LONG, INT));
    }
    private static final class Open {
        static final MethodHandle HANDLE = Native.errnoCall("open",
                FunctionDescriptor.of(INT, PTR, INT, INT), Native.variadicFrom(2));
    }
    static final class IoctlPtr {
        static final MethodHandle HANDLE = Native.errnoCall("ioctl",
                FunctionDescriptor.of(INT, INT, LONG, LONG), Native.variadicFrom(2));
    }
    private static final class IoctlPtrCritical {
        static final MethodHandle HANDLE = Native.errnoCall("ioctl",
                FunctionDescriptor.of(INT, INT, LONG, LONG), Native.variadicFrom(2), Native.critical());
    }

    /**
     * Native address of a direct buffer's byte 0 (not its position). Allocates a little:
     * compute it once per buffer, keep the buffer reachable while the address is used.
     */
    public static long address(ByteBuffer direct) {
        return Native.address(direct);
    }

    /** read(2) into {@code buf[offset, offset+length)}. 0 = end of file. */
    public static int read(int fd, ByteBuffer buf, int offset, int length) {
        Native.Scratch s = Native.scratch();
        return read(s, fd, Native.address(s, buf, offset, length), length);
    }

    /** read(2) into raw native memory. */
    public static int read(int fd, long address, int length) {
        return read(Native.scratch(), fd, address, length);
    }

    private static int read(Native.Scratch s, int fd, long address, int length) {
        try {
            return Native.result((long) Read.HANDLE.invokeExact(s.errno, fd, address, (long) length), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /**
     * readv(2) into {@code count} iovecs at native address {@code iov} (struct iovec: base
     * pointer, then length, 8 bytes each). The caller fills the iovecs; nothing is allocated.
     */
    public static int readv(int fd, long iov, int count) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((long) Readv.HANDLE.invokeExact(s.errno, fd, iov, count), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** writev(2) from {@code count} iovecs at native address {@code iov}; see {@link #readv}. */
    public static int writev(int fd, long iov, int count) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((long) Writev.HANDLE.invokeExact(s.errno, fd, iov, count), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** write(2) from {@code buf[offset, offset+length)}. */
    public static int write(int fd, ByteBuffer buf, int offset, int length) {
        Native.Scratch s = Native.scratch();
        return write(s, fd, Native.address(s, buf, offset, length), length);
    }

    public static int write(int fd, long address, int length) {
        return write(Native.scratch(), fd, address, length);
    }

    private static int write(Native.Scratch s, int fd, long address, int length) {
        try {
            return Native.result((long) Write.HANDLE.invokeExact(s.errno, fd, address, (long) length), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** close(2). Linux releases the descriptor even when this reports EINTR: never retry. */
    public static int close(int fd) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Close.HANDLE.invokeExact(s.errno, fd), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** fcntl(2) with an int argument (F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_DUPFD_CLOEXEC). */
    public static int fcntl(int fd, int cmd, int arg) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Fcntl.HANDLE.invokeExact(s.errno, fd, cmd, arg), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** Sets or clears O_NONBLOCK. */
    public static int setNonBlocking(int fd, boolean on) {
        int flags = fcntl(fd, Abi.F_GETFL, 0);
        if (flags < 0) return flags;
        int wanted = on ? flags | Abi.O_NONBLOCK : flags & ~Abi.O_NONBLOCK;
        return wanted == flags ? 0 : fcntl(fd, Abi.F_SETFL, wanted);
    }

    /** 1 if O_NONBLOCK is set, 0 if not, or -errno. */
    public static int isNonBlocking(int fd) {
        int flags = fcntl(fd, Abi.F_GETFL, 0);
        return flags < 0 ? flags : (flags & Abi.O_NONBLOCK) != 0 ? 1 : 0;
    }

    /** Sets or clears FD_CLOEXEC. */
    public static int setCloseOnExec(int fd, boolean on) {
        int flags = fcntl(fd, Abi.F_GETFD, 0);
        if (flags < 0) return flags;
        return fcntl(fd, Abi.F_SETFD, on ? flags | Abi.FD_CLOEXEC : flags & ~Abi.FD_CLOEXEC);
    }

    /** 1 if FD_CLOEXEC is set, 0 if not, or -errno. */
    public static int isCloseOnExec(int fd) {
        int flags = fcntl(fd, Abi.F_GETFD, 0);
        return flags < 0 ? flags : (flags & Abi.FD_CLOEXEC) != 0 ? 1 : 0;
    }

    /** A close-on-exec duplicate with the lowest free number (F_DUPFD_CLOEXEC). */
    public static int dup(int fd) {
        return fcntl(fd, Abi.F_DUPFD_CLOEXEC, 0);
    }

    /** A close-on-exec duplicate numbered at least {@code minFd}. */
    public static int dupAtLeast(int fd, int minFd) {
        return fcntl(fd, Abi.F_DUPFD_CLOEXEC, minFd);
    }

    /** dup2(2): the new descriptor is not close-on-exec. */
    public static int dup2(int oldFd, int newFd) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Dup2.HANDLE.invokeExact(s.errno, oldFd, newFd), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** dup3(2); {@code flags} is 0 or O_CLOEXEC. */
    public static int dup3(int oldFd, int newFd, int flags) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Dup3.HANDLE.invokeExact(s.errno, oldFd, newFd, flags), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** pipe2(2): {@code out[0]} read end, {@code out[1]} write end. */
    public static int pipe2(int[] out, int flags) {
        Native.Scratch s = Native.scratch();
        try {
            int r = Native.result((int) Pipe2.HANDLE.invokeExact(s.errno, s.mem.address(), flags), s.errno);
            if (r >= 0) {
                out[0] = s.mem.get(INT, 0);
                out[1] = s.mem.get(INT, 4);
            }
            return r;
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** eventfd(2). */
    public static int eventfd(int initialValue, int flags) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Eventfd.HANDLE.invokeExact(s.errno, initialValue, flags), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /**
     * poll(2) on one descriptor.
     * @return the revents bits, 0 on timeout, or -errno. {@code timeoutMs < 0} waits forever.
     */
    public static int poll(int fd, int events, int timeoutMs) {
        Native.Scratch s = Native.scratch();
        MemorySegment m = s.mem;
        m.set(INT, 0, fd);
        m.set(Native.SHORT, 4, (short) events);
        m.set(Native.SHORT, 6, (short) 0);
        try {
            int r = Native.result((int) Poll.HANDLE.invokeExact(s.errno, m.address(), 1L, timeoutMs), s.errno);
            return r <= 0 ? r : Short.toUnsignedInt(m.get(Native.SHORT, 6));
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** open(2) (start-up use: allocates for the path). */
    public static int open(String path, int flags) {
        Native.Scratch s = Native.scratch();
        try (Arena arena = Arena.ofConfined()) {
            return Native.result((int) Open.HANDLE.invokeExact(s.errno, arena.allocateFrom(path), flags, 0), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** ioctl(2) whose argument is a pointer or an unsigned long value. May block: not critical. */
    static int ioctl(int fd, long request, long arg) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) IoctlPtr.HANDLE.invokeExact(s.errno, fd, request, arg), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** An ioctl that reads an int into per-thread scratch (FIONREAD, SIOCOUTQ): value or -errno. */
    static int ioctlReadInt(int fd, long request) {
        Native.Scratch s = Native.scratch();
        try {
            int r = Native.result((int) IoctlPtrCritical.HANDLE.invokeExact(s.errno, fd, request, s.mem.address()), s.errno);
            return r < 0 ? r : s.mem.get(INT, 0);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }
}
