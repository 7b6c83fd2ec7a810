package dev.jslirp.os;

import static dev.jslirp.os.Native.INT;
import static dev.jslirp.os.Native.LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * epoll(7): one set holds every descriptor of the loop, guest link included. Each
 * registration carries a 64-bit {@code data} value chosen by the caller (say, kind &lt;&lt; 32
 * | flow index, as passt's {@code union epoll_ref}), returned with each event.
 * Results are {@code >= 0} or {@code -errno}; nothing allocates.
 */
public final class Epoll {
    private Epoll() {}

    public static final int EPOLLIN = Abi.EPOLLIN, EPOLLPRI = Abi.EPOLLPRI, EPOLLOUT = Abi.EPOLLOUT,
            EPOLLERR = Abi.EPOLLERR, EPOLLHUP = Abi.EPOLLHUP, EPOLLRDHUP = Abi.EPOLLRDHUP,
            EPOLLEXCLUSIVE = Abi.EPOLLEXCLUSIVE, EPOLLONESHOT = Abi.EPOLLONESHOT,
            EPOLLET = Abi.EPOLLET;
    public static final int EPOLL_CTL_ADD = Abi.EPOLL_CTL_ADD, EPOLL_CTL_DEL = Abi.EPOLL_CTL_DEL,
            EPOLL_CTL_MOD = Abi.EPOLL_CTL_MOD, EPOLL_CLOEXEC = Abi.EPOLL_CLOEXEC;

    // One holder class per downcall: a handle is linked on its first call, not when this class is
    // initialised (see Native, "Lazy linking").
    private static final class Create1 {
        static final MethodHandle HANDLE = Native.errnoCall("epoll_create1",
                FunctionDescriptor.of(INT, INT), Native.critical());
    }
    private static final class Ctl {
        static final MethodHandle HANDLE = Native.errnoCall("epoll_ctl",
                FunctionDescriptor.of(INT, INT, INT, INT, LONG), Native.critical());
    }
    private static final class Wait {
        static final MethodHandle HANDLE = Native.errnoCall("epoll_wait",
                FunctionDescriptor.of(INT, INT, LONG, INT, INT));
    }

    /** epoll_create1(EPOLL_CLOEXEC). */
    public static int create() {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Create1.HANDLE.invokeExact(s.errno, Abi.EPOLL_CLOEXEC), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    public static int add(int epfd, int fd, int events, long data) {
        return ctl(epfd, Abi.EPOLL_CTL_ADD, fd, events, data);
    }

    public static int modify(int epfd, int fd, int events, long data) {
        return ctl(epfd, Abi.EPOLL_CTL_MOD, fd, events, data);
    }

    public static int delete(int epfd, int fd) {
        return ctl(epfd, Abi.EPOLL_CTL_DEL, fd, 0, 0L);
    }

    public static int ctl(int epfd, int op, int fd, int events, long data) {
        Native.Scratch s = Native.scratch();
        MemorySegment m = s.mem;
        m.set(Native.INT_U, Abi.EPOLL_EVENTS_OFFSET, events);
        m.set(Native.LONG_U, Abi.EPOLL_DATA_OFFSET, data);
        try {
            return Native.result((int) Ctl.HANDLE.invokeExact(s.errno, epfd, op, fd, m.address()), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /**
     * epoll_wait(2) into {@code events}; {@code timeoutMs} 0 polls, -1 waits forever.
     * @return the number of ready events (also in {@link EpollEvents#count()}), or -errno
     *     (-EINTR when a signal interrupted the wait: just loop).
     */
    public static int wait(int epfd, EpollEvents events, int timeoutMs) {
        Native.Scratch s = Native.scratch();
        try {
            int r = Native.result((int) Wait.HANDLE.invokeExact(s.errno, epfd, events.address, events.capacity(), timeoutMs), s.errno);
            events.count = Math.max(r, 0);
            return r;
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }
}
