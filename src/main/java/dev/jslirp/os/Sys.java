package dev.jslirp.os;

import static dev.jslirp.os.Native.INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * File-descriptor basics: read, write, close, fcntl, dup, pipes, splice, eventfd, poll.
 *
 * <p>Every method returns {@code >= 0} on success or {@code -errno}; none throws for an OS
 * error. read/write allocate nothing: pass a direct buffer (its address is cached per thread)
 * or a raw address from {@link #address(ByteBuffer)}. Every call here is one syscall(2) by
 * number ({@code Native.syscall}). read and write do not use the critical handle because a
 * caller may use them on a blocking descriptor, and a critical call blocks GC.
 */
public final class Sys {
    private Sys() {}

    public static final int O_RDONLY = Abi.O_RDONLY, O_WRONLY = Abi.O_WRONLY, O_RDWR = Abi.O_RDWR,
            O_NONBLOCK = Abi.O_NONBLOCK, O_CLOEXEC = Abi.O_CLOEXEC, O_DIRECTORY = Abi.O_DIRECTORY,
            O_PATH = Abi.O_PATH;
    public static final int EFD_NONBLOCK = Abi.EFD_NONBLOCK, EFD_CLOEXEC = Abi.EFD_CLOEXEC,
            EFD_SEMAPHORE = Abi.EFD_SEMAPHORE;
    public static final int SPLICE_F_MOVE = Abi.SPLICE_F_MOVE, SPLICE_F_NONBLOCK = Abi.SPLICE_F_NONBLOCK,
            SPLICE_F_MORE = Abi.SPLICE_F_MORE;
    public static final int POLLIN = Abi.POLLIN, POLLPRI = Abi.POLLPRI, POLLOUT = Abi.POLLOUT,
            POLLERR = Abi.POLLERR, POLLHUP = Abi.POLLHUP, POLLNVAL = Abi.POLLNVAL,
            POLLRDHUP = Abi.POLLRDHUP;

    /**
     * Native address of a direct buffer's byte 0 (not its position). Allocates a little:
     * compute it once per buffer, keep the buffer reachable while the address is used.
     */
    public static long address(ByteBuffer direct) {
        return Native.address(direct);
    }

    /** read(2) into {@code buf[offset, offset+length)}. 0 = end of file. */
    public static int read(int fd, ByteBuffer buf, int offset, int length) {
        return read(fd, Native.address(Native.scratch(), buf, offset, length), length);
    }

    /** read(2) into raw native memory. */
    public static int read(int fd, long address, int length) {
        return (int) Native.syscall(Abi.SYS_READ, fd, address, length);
    }

    /**
     * readv(2) into {@code count} iovecs at native address {@code iov} (struct iovec: base
     * pointer, then length, 8 bytes each). The caller fills the iovecs; nothing is allocated.
     */
    public static int readv(int fd, long iov, int count) {
        return (int) Native.syscall(Abi.SYS_READV, fd, iov, count);
    }

    /** writev(2) from {@code count} iovecs at native address {@code iov}; see {@link #readv}. */
    public static int writev(int fd, long iov, int count) {
        return (int) Native.syscall(Abi.SYS_WRITEV, fd, iov, count);
    }

    /** write(2) from {@code buf[offset, offset+length)}. */
    public static int write(int fd, ByteBuffer buf, int offset, int length) {
        return write(fd, Native.address(Native.scratch(), buf, offset, length), length);
    }

    public static int write(int fd, long address, int length) {
        return (int) Native.syscall(Abi.SYS_WRITE, fd, address, length);
    }

    /** close(2). Linux releases the descriptor even when this reports EINTR: never retry. */
    public static int close(int fd) {
        return (int) Native.syscall(Abi.SYS_CLOSE, fd);
    }

    /**
     * fcntl(2) with an int argument (F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_DUPFD_CLOEXEC).
     * Not for F_GETOWN: glibc's fcntl turns that into F_GETOWN_EX, the raw syscall can
     * return a process group as a negative number.
     */
    public static int fcntl(int fd, int cmd, int arg) {
        return (int) Native.syscallCritical(Abi.SYS_FCNTL, fd, cmd, arg);
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
        return (int) Native.syscall(Abi.SYS_DUP2, oldFd, newFd);
    }

    /**
     * dup3(2); {@code flags} is 0 or O_CLOEXEC. Not critical (nor is dup2): replacing newFd
     * closes it, and closing a lingering socket can block.
     */
    public static int dup3(int oldFd, int newFd, int flags) {
        return (int) Native.syscall(Abi.SYS_DUP3, oldFd, newFd, flags);
    }

    /** pipe2(2): {@code out[0]} read end, {@code out[1]} write end. */
    public static int pipe2(int[] out, int flags) {
        MemorySegment fds = Native.scratch().mem;
        int r = (int) Native.syscallCritical(Abi.SYS_PIPE2, fds.address(), flags);
        if (r >= 0) {
            out[0] = fds.get(INT, 0);
            out[1] = fds.get(INT, 4);
        }
        return r;
    }

    /**
     * F_SETPIPE_SZ: the pipe's capacity becomes at least {@code bytes} (the kernel rounds up to a
     * power of two pages). @return the capacity now, or -errno: EPERM above
     * /proc/sys/fs/pipe-max-size without CAP_SYS_RESOURCE, EBUSY below what the pipe holds.
     */
    public static int setPipeSize(int pipeFd, int bytes) {
        return fcntl(pipeFd, Abi.F_SETPIPE_SZ, bytes);
    }

    /** F_GETPIPE_SZ: the pipe's capacity in bytes, or -errno. */
    public static int pipeSize(int pipeFd) {
        return fcntl(pipeFd, Abi.F_GETPIPE_SZ, 0);
    }

    /**
     * splice(2) of up to {@code length} bytes from {@code fdIn} to {@code fdOut}, one of them a
     * pipe, at their current positions (no offsets: sockets and pipes have none). The bytes move
     * inside the kernel, page references rather than copies where it can, never through our
     * memory.
     *
     * <p>Returns the bytes moved, 0 at the end of {@code fdIn}'s input (a socket's peer shut
     * down, a pipe's writers gone), or -errno: -EAGAIN when nothing can move now (with
     * SPLICE_F_NONBLOCK; from a socket into an empty pipe that means the socket has nothing).
     *
     * <p>The non-critical handle, although with SPLICE_F_NONBLOCK on non-blocking descriptors
     * the call never waits for data or room: one call may move a pipe's worth (a MiB), and
     * moving it into a loopback socket runs the receiver's TCP input within this call, which
     * takes hundreds of microseconds. A critical call would keep a safepoint (a GC) waiting
     * that long to save a thread-state transition of some nanoseconds.
     */
    public static int splice(int fdIn, int fdOut, int length, int flags) {
        return (int) Native.syscall(Abi.SYS_SPLICE, fdIn, 0, fdOut, 0, length, flags);
    }

    /** eventfd(2) (the eventfd2 syscall, which glibc's eventfd calls). */
    public static int eventfd(int initialValue, int flags) {
        return (int) Native.syscallCritical(Abi.SYS_EVENTFD2, initialValue, flags);
    }

    /**
     * poll(2) on one descriptor.
     * @return the revents bits, 0 on timeout, or -errno. {@code timeoutMs < 0} waits forever.
     */
    public static int poll(int fd, int events, int timeoutMs) {
        Native.Scratch s = Native.scratch();
        s.buf.putInt(0, fd);
        s.buf.putShort(4, (short) events);
        s.buf.putShort(6, (short) 0);
        int r = (int) Native.syscall(Abi.SYS_POLL, s.address, 1, timeoutMs);
        return r <= 0 ? r : Short.toUnsignedInt(s.buf.getShort(6));
    }

    /** open(2), as glibc does it: openat(AT_FDCWD, ...) (start-up use: allocates for the path). */
    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) Native.syscall(Abi.SYS_OPENAT, Abi.AT_FDCWD, arena.allocateFrom(path).address(), flags, 0);
        }
    }

    /** ioctl(2) whose argument is a pointer or an unsigned long value. May block: not critical. */
    static int ioctl(int fd, long request, long arg) {
        return (int) Native.syscall(Abi.SYS_IOCTL, fd, request, arg);
    }

    /** An ioctl that reads an int into per-thread scratch (FIONREAD, SIOCOUTQ): value or -errno. */
    static int ioctlReadInt(int fd, long request) {
        MemorySegment value = Native.scratch().mem;
        int r = (int) Native.syscallCritical(Abi.SYS_IOCTL, fd, request, value.address());
        return r < 0 ? r : value.get(INT, 0);
    }
}
