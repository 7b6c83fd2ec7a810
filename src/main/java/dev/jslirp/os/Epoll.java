package dev.jslirp.os;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * epoll(7): one set holds every descriptor of the loop, guest link included. Each
 * registration carries a 64-bit {@code data} value chosen by the caller (say, kind &lt;&lt; 32
 * | flow index, as passt's {@code union epoll_ref}), returned with each event.
 * Results are {@code >= 0} or {@code -errno}; nothing allocates. Each call is one syscall(2)
 * by number ({@code Native.syscall}); epoll_create1 and epoll_ctl never block and go through
 * the critical handle, epoll_wait does not.
 */
public final class Epoll {
    private Epoll() {}

    public static final int EPOLLIN = Abi.EPOLLIN, EPOLLPRI = Abi.EPOLLPRI, EPOLLOUT = Abi.EPOLLOUT,
            EPOLLERR = Abi.EPOLLERR, EPOLLHUP = Abi.EPOLLHUP, EPOLLRDHUP = Abi.EPOLLRDHUP,
            EPOLLEXCLUSIVE = Abi.EPOLLEXCLUSIVE, EPOLLONESHOT = Abi.EPOLLONESHOT,
            EPOLLET = Abi.EPOLLET;
    public static final int EPOLL_CTL_ADD = Abi.EPOLL_CTL_ADD, EPOLL_CTL_DEL = Abi.EPOLL_CTL_DEL,
            EPOLL_CTL_MOD = Abi.EPOLL_CTL_MOD, EPOLL_CLOEXEC = Abi.EPOLL_CLOEXEC;

    /** epoll_create1(EPOLL_CLOEXEC). */
    public static int create() {
        return (int) Native.syscallCritical(Abi.SYS_EPOLL_CREATE1, Abi.EPOLL_CLOEXEC);
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
        s.buf.putInt(Abi.EPOLL_EVENTS_OFFSET, events);
        s.buf.putLong(Abi.EPOLL_DATA_OFFSET, data);
        return (int) Native.syscallCritical(Abi.SYS_EPOLL_CTL, epfd, op, fd, s.address);
    }

    /**
     * epoll_wait(2) into {@code events}; {@code timeoutMs} 0 polls, -1 waits forever.
     * @return the number of ready events (also in {@link EpollEvents#count()}), or -errno
     *     (-EINTR when a signal interrupted the wait: just loop).
     */
    public static int wait(int epfd, EpollEvents events, int timeoutMs) {
        int r = (int) Native.syscall(Abi.SYS_EPOLL_WAIT, epfd, events.address, events.capacity(), timeoutMs);
        events.count = Math.max(r, 0);
        Reference.reachabilityFence(events); // its array is in an automatic arena
        return r;
    }
}
