package dev.jslirp.os;

import static dev.jslirp.os.Native.INT;
import static dev.jslirp.os.Native.LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * BSD sockets over FFM: AF_INET and AF_UNIX, stream, datagram and SEQPACKET.
 *
 * <p>Every method returns {@code >= 0} on success or {@code -errno}, and allocates nothing
 * (addresses go through the reusable {@link InetSockAddr}/{@link UnixSockAddr} holders or the
 * per-thread scratch area). Buffers are direct ByteBuffers with explicit offset/length
 * (position and limit are ignored) or raw addresses from {@link Sys#address(ByteBuffer)}.
 * Sockets made here should be created with SOCK_NONBLOCK|SOCK_CLOEXEC; send with
 * MSG_NOSIGNAL so a closed peer gives EPIPE instead of SIGPIPE.
 */
public final class Sockets {
    private Sockets() {}

    public static final int AF_UNIX = Abi.AF_UNIX, AF_INET = Abi.AF_INET, AF_INET6 = Abi.AF_INET6;
    public static final int SOCK_STREAM = Abi.SOCK_STREAM, SOCK_DGRAM = Abi.SOCK_DGRAM,
            SOCK_RAW = Abi.SOCK_RAW, SOCK_SEQPACKET = Abi.SOCK_SEQPACKET,
            SOCK_NONBLOCK = Abi.SOCK_NONBLOCK, SOCK_CLOEXEC = Abi.SOCK_CLOEXEC;
    public static final int IPPROTO_IP = Abi.IPPROTO_IP, IPPROTO_ICMP = Abi.IPPROTO_ICMP,
            IPPROTO_TCP = Abi.IPPROTO_TCP, IPPROTO_UDP = Abi.IPPROTO_UDP;
    public static final int SOL_SOCKET = Abi.SOL_SOCKET, SO_REUSEADDR = Abi.SO_REUSEADDR,
            SO_TYPE = Abi.SO_TYPE, SO_ERROR = Abi.SO_ERROR, SO_SNDBUF = Abi.SO_SNDBUF,
            SO_RCVBUF = Abi.SO_RCVBUF, SO_KEEPALIVE = Abi.SO_KEEPALIVE, SO_LINGER = Abi.SO_LINGER,
            SO_REUSEPORT = Abi.SO_REUSEPORT, SO_RCVLOWAT = Abi.SO_RCVLOWAT,
            SO_SNDBUFFORCE = Abi.SO_SNDBUFFORCE, SO_RCVBUFFORCE = Abi.SO_RCVBUFFORCE;
    public static final int IP_TTL = Abi.IP_TTL, IP_RECVERR = Abi.IP_RECVERR;
    public static final int TCP_NODELAY = Abi.TCP_NODELAY, TCP_MAXSEG = Abi.TCP_MAXSEG,
            TCP_KEEPIDLE = Abi.TCP_KEEPIDLE, TCP_KEEPINTVL = Abi.TCP_KEEPINTVL,
            TCP_KEEPCNT = Abi.TCP_KEEPCNT;
    public static final int MSG_OOB = Abi.MSG_OOB, MSG_PEEK = Abi.MSG_PEEK,
            MSG_CTRUNC = Abi.MSG_CTRUNC, MSG_TRUNC = Abi.MSG_TRUNC,
            MSG_DONTWAIT = Abi.MSG_DONTWAIT, MSG_EOR = Abi.MSG_EOR, MSG_WAITALL = Abi.MSG_WAITALL,
            MSG_ERRQUEUE = Abi.MSG_ERRQUEUE, MSG_NOSIGNAL = Abi.MSG_NOSIGNAL,
            MSG_CMSG_CLOEXEC = Abi.MSG_CMSG_CLOEXEC;
    public static final int SHUT_RD = Abi.SHUT_RD, SHUT_WR = Abi.SHUT_WR, SHUT_RDWR = Abi.SHUT_RDWR;
    public static final int SOMAXCONN = Abi.SOMAXCONN;
    /** The usual creation flags for anything the event loop owns. */
    public static final int NONBLOCK_CLOEXEC = SOCK_NONBLOCK | SOCK_CLOEXEC;
    public static final int INADDR_ANY = 0, INADDR_LOOPBACK = 0x7F000001;

    private static final FunctionDescriptor INT_INT_PTR_LEN = FunctionDescriptor.of(INT, INT, LONG, INT);
    private static final FunctionDescriptor INT_INT_PTR_PTR = FunctionDescriptor.of(INT, INT, LONG, LONG);

    // One holder class per downcall: a handle is linked on its first call, not when this class is
    // initialised (see Native, "Lazy linking").
    private static final class Socket {
        static final MethodHandle HANDLE = Native.errnoCall("socket",
                FunctionDescriptor.of(INT, INT, INT, INT), Native.critical());
    }
    private static final class Socketpair {
        static final MethodHandle HANDLE = Native.errnoCall("socketpair",
                FunctionDescriptor.of(INT, INT, INT, INT, LONG), Native.critical());
    }
    private static final class Bind {
        static final MethodHandle HANDLE = Native.errnoCall("bind", INT_INT_PTR_LEN);
    }
    private static final class Connect {
        static final MethodHandle HANDLE = Native.errnoCall("connect", INT_INT_PTR_LEN);
    }
    private static final class Listen {
        static final MethodHandle HANDLE = Native.errnoCall("listen",
                FunctionDescriptor.of(INT, INT, INT), Native.critical());
    }
    private static final class Accept4 {
        static final MethodHandle HANDLE = Native.errnoCall("accept4",
                FunctionDescriptor.of(INT, INT, LONG, LONG, INT));
    }
    private static final class Getsockname {
        static final MethodHandle HANDLE = Native.errnoCall("getsockname", INT_INT_PTR_PTR, Native.critical());
    }
    private static final class Getpeername {
        static final MethodHandle HANDLE = Native.errnoCall("getpeername", INT_INT_PTR_PTR, Native.critical());
    }
    private static final class Shutdown {
        static final MethodHandle HANDLE = Native.errnoCall("shutdown", FunctionDescriptor.of(INT, INT, INT));
    }
    private static final class Send {
        static final MethodHandle HANDLE = Native.errnoCall("send", FunctionDescriptor.of(LONG, INT, LONG, LONG, INT));
    }
    private static final class Recv {
        static final MethodHandle HANDLE = Native.errnoCall("recv", FunctionDescriptor.of(LONG, INT, LONG, LONG, INT));
    }
    private static final class Sendto {
        static final MethodHandle HANDLE = Native.errnoCall("sendto",
                FunctionDescriptor.of(LONG, INT, LONG, LONG, INT, LONG, INT));
    }
    private static final class Recvfrom {
        static final MethodHandle HANDLE = Native.errnoCall("recvfrom",
                FunctionDescriptor.of(LONG, INT, LONG, LONG, INT, LONG, LONG));
    }
    private static final class Sendmsg {
        static final MethodHandle HANDLE = Native.errnoCall("sendmsg", FunctionDescriptor.of(LONG, INT, LONG, INT));
    }
    private static final class Recvmsg {
        static final MethodHandle HANDLE = Native.errnoCall("recvmsg", FunctionDescriptor.of(LONG, INT, LONG, INT));
    }
    private static final class Setsockopt {
        static final MethodHandle HANDLE = Native.errnoCall("setsockopt",
                FunctionDescriptor.of(INT, INT, INT, INT, LONG, INT), Native.critical());
    }
    private static final class Getsockopt {
        static final MethodHandle HANDLE = Native.errnoCall("getsockopt",
                FunctionDescriptor.of(INT, INT, INT, INT, LONG, LONG), Native.critical());
    }

    // ---- creation ----

    public static int socket(int domain, int type, int protocol) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Socket.HANDLE.invokeExact(s.errno, domain, type, protocol), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** socketpair(2); the two ends go into {@code out[0]} and {@code out[1]}. */
    public static int socketpair(int domain, int type, int protocol, int[] out) {
        Native.Scratch s = Native.scratch();
        try {
            int r = Native.result((int) Socketpair.HANDLE.invokeExact(s.errno, domain, type, protocol, s.mem.address()), s.errno);
            if (r >= 0) {
                out[0] = s.mem.get(INT, 0);
                out[1] = s.mem.get(INT, 4);
            }
            return r;
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    // ---- addresses ----

    private static long sockaddrIn(Native.Scratch s, int addr, int port) {
        MemorySegment m = s.mem;
        m.set(LONG, 0, 0L);
        m.set(LONG, 8, 0L);
        m.set(Native.SHORT, Abi.SIN_FAMILY_OFFSET, (short) Abi.AF_INET);
        m.set(Native.SHORT_BE, Abi.SIN_PORT_OFFSET, (short) port);
        m.set(Native.INT_BE, Abi.SIN_ADDR_OFFSET, addr);
        return m.address();
    }

    public static int bindInet(int fd, int addr, int port) {
        Native.Scratch s = Native.scratch();
        return addrCall(Bind.HANDLE, s, fd, sockaddrIn(s, addr, port), Abi.SOCKADDR_IN_LENGTH);
    }

    /** connect(2) to an IPv4 address; on a non-blocking socket expect -EINPROGRESS. */
    public static int connectInet(int fd, int addr, int port) {
        Native.Scratch s = Native.scratch();
        return addrCall(Connect.HANDLE, s, fd, sockaddrIn(s, addr, port), Abi.SOCKADDR_IN_LENGTH);
    }

    public static int bind(int fd, UnixSockAddr addr) {
        return addrCall(Bind.HANDLE, Native.scratch(), fd, addr.address, addr.length());
    }

    public static int connect(int fd, UnixSockAddr addr) {
        return addrCall(Connect.HANDLE, Native.scratch(), fd, addr.address, addr.length());
    }

    /** Binds to a unix socket path or '@abstract' name (allocates; set-up use). */
    public static int bindUnix(int fd, String path) {
        return bind(fd, UnixSockAddr.of(path));
    }

    public static int connectUnix(int fd, String path) {
        return connect(fd, UnixSockAddr.of(path));
    }

    private static int addrCall(MethodHandle h, Native.Scratch s, int fd, long sockaddr, int length) {
        try {
            return Native.result((int) h.invokeExact(s.errno, fd, sockaddr, length), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    public static int listen(int fd, int backlog) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Listen.HANDLE.invokeExact(s.errno, fd, backlog), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** accept4(2) without the peer's address. Use {@link #NONBLOCK_CLOEXEC} as flags. */
    public static int accept4(int fd, int flags) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Accept4.HANDLE.invokeExact(s.errno, fd, 0L, 0L, flags), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** accept4(2) of an AF_INET connection; the peer's address lands in {@code peer}. */
    public static int accept4(int fd, InetSockAddr peer, int flags) {
        Native.Scratch s = Native.scratch();
        peer.prepareForResult();
        try {
            return Native.result((int) Accept4.HANDLE.invokeExact(s.errno, fd, peer.address,
                    peer.address + InetSockAddr.LEN_OFFSET, flags), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    public static int getsockname(int fd, InetSockAddr into) {
        into.prepareForResult();
        return nameCall(Getsockname.HANDLE, fd, into.address, into.address + InetSockAddr.LEN_OFFSET);
    }

    public static int getpeername(int fd, InetSockAddr into) {
        into.prepareForResult();
        return nameCall(Getpeername.HANDLE, fd, into.address, into.address + InetSockAddr.LEN_OFFSET);
    }

    public static int getsockname(int fd, UnixSockAddr into) {
        into.prepareForResult();
        return nameCall(Getsockname.HANDLE, fd, into.address, into.address + UnixSockAddr.LEN_OFFSET);
    }

    private static int nameCall(MethodHandle h, int fd, long sockaddr, long lengthAddress) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) h.invokeExact(s.errno, fd, sockaddr, lengthAddress), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** Local port of a bound AF_INET socket, or -errno (allocation-free via scratch). */
    public static int localPort(int fd) {
        Native.Scratch s = Native.scratch();
        s.mem.set(INT, 16, Abi.SOCKADDR_IN_LENGTH);
        int r = nameCall(Getsockname.HANDLE, fd, s.mem.address(), s.mem.address() + 16);
        return r < 0 ? r : Short.toUnsignedInt(s.mem.get(Native.SHORT_BE, Abi.SIN_PORT_OFFSET));
    }

    public static int shutdown(int fd, int how) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Shutdown.HANDLE.invokeExact(s.errno, fd, how), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    // ---- data ----

    public static int send(int fd, ByteBuffer buf, int offset, int length, int flags) {
        Native.Scratch s = Native.scratch();
        return send(s, fd, Native.address(s, buf, offset, length), length, flags);
    }

    public static int send(int fd, long address, int length, int flags) {
        return send(Native.scratch(), fd, address, length, flags);
    }

    private static int send(Native.Scratch s, int fd, long address, int length, int flags) {
        try {
            return Native.result((long) Send.HANDLE.invokeExact(s.errno, fd, address, (long) length, flags), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /**
     * recv(2). With MSG_TRUNC on a datagram/SEQPACKET socket the result is the record's real
     * length even when larger than {@code length} (MSG_PEEK|MSG_TRUNC sizes the next record).
     */
    public static int recv(int fd, ByteBuffer buf, int offset, int length, int flags) {
        Native.Scratch s = Native.scratch();
        return recv(s, fd, Native.address(s, buf, offset, length), length, flags);
    }

    public static int recv(int fd, long address, int length, int flags) {
        return recv(Native.scratch(), fd, address, length, flags);
    }

    private static int recv(Native.Scratch s, int fd, long address, int length, int flags) {
        try {
            return Native.result((long) Recv.HANDLE.invokeExact(s.errno, fd, address, (long) length, flags), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** sendto(2) an IPv4 destination given as numbers (no holder needed). */
    public static int sendto(int fd, ByteBuffer buf, int offset, int length, int flags, int addr, int port) {
        Native.Scratch s = Native.scratch();
        long data = Native.address(s, buf, offset, length);
        return sendto(s, fd, data, length, flags, sockaddrIn(s, addr, port), Abi.SOCKADDR_IN_LENGTH);
    }

    public static int sendto(int fd, long address, int length, int flags, int addr, int port) {
        Native.Scratch s = Native.scratch();
        return sendto(s, fd, address, length, flags, sockaddrIn(s, addr, port), Abi.SOCKADDR_IN_LENGTH);
    }

    /** sendto(2) a unix datagram socket. */
    public static int sendto(int fd, ByteBuffer buf, int offset, int length, int flags, UnixSockAddr to) {
        Native.Scratch s = Native.scratch();
        return sendto(s, fd, Native.address(s, buf, offset, length), length, flags, to.address, to.length());
    }

    private static int sendto(Native.Scratch s, int fd, long data, int length, int flags, long to, int toLength) {
        try {
            return Native.result((long) Sendto.HANDLE.invokeExact(s.errno, fd, data, (long) length, flags, to, toLength), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** recvfrom(2); the IPv4 sender lands in {@code from}. */
    public static int recvfrom(int fd, ByteBuffer buf, int offset, int length, int flags, InetSockAddr from) {
        Native.Scratch s = Native.scratch();
        from.prepareForResult();
        return recvfrom(s, fd, Native.address(s, buf, offset, length), length, flags,
                from.address, from.address + InetSockAddr.LEN_OFFSET);
    }

    public static int recvfrom(int fd, long address, int length, int flags, InetSockAddr from) {
        Native.Scratch s = Native.scratch();
        from.prepareForResult();
        return recvfrom(s, fd, address, length, flags, from.address, from.address + InetSockAddr.LEN_OFFSET);
    }

    /** recvfrom(2) on a unix datagram socket; the sender's path lands in {@code from}. */
    public static int recvfrom(int fd, ByteBuffer buf, int offset, int length, int flags, UnixSockAddr from) {
        Native.Scratch s = Native.scratch();
        from.prepareForResult();
        return recvfrom(s, fd, Native.address(s, buf, offset, length), length, flags,
                from.address, from.address + UnixSockAddr.LEN_OFFSET);
    }

    private static int recvfrom(Native.Scratch s, int fd, long data, int length, int flags, long from, long fromLength) {
        try {
            return Native.result((long) Recvfrom.HANDLE.invokeExact(s.errno, fd, data, (long) length, flags, from, fromLength), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** sendmsg(2) of the holder's iovecs and descriptors. */
    public static int sendmsg(int fd, MsgHdr msg, int flags) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((long) Sendmsg.HANDLE.invokeExact(s.errno, fd, msg.prepareSend(), flags), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /**
     * recvmsg(2) into the holder's iovecs; passed descriptors are collected into the holder.
     * MSG_CMSG_CLOEXEC is always added so received descriptors don't leak into children.
     */
    public static int recvmsg(int fd, MsgHdr msg, int flags) {
        Native.Scratch s = Native.scratch();
        try {
            int r = Native.result((long) Recvmsg.HANDLE.invokeExact(s.errno, fd, msg.prepareReceive(),
                    flags | Abi.MSG_CMSG_CLOEXEC), s.errno);
            if (r >= 0) msg.afterReceive();
            return r;
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    // ---- options ----

    public static int setsockopt(int fd, int level, int option, int value) {
        Native.Scratch s = Native.scratch();
        s.mem.set(INT, 0, value);
        return setsockopt(s, fd, level, option, 4);
    }

    private static int setsockopt(Native.Scratch s, int fd, int level, int option, int length) {
        try {
            return Native.result((int) Setsockopt.HANDLE.invokeExact(s.errno, fd, level, option, s.mem.address(), length), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** An int option's value (all the ones we use are >= 0), or -errno. */
    public static int getsockopt(int fd, int level, int option) {
        Native.Scratch s = Native.scratch();
        s.mem.set(INT, 0, 0);
        s.mem.set(INT, 8, 4);
        try {
            int r = Native.result((int) Getsockopt.HANDLE.invokeExact(s.errno, fd, level, option,
                    s.mem.address(), s.mem.address() + 8), s.errno);
            return r < 0 ? r : s.mem.get(INT, 0);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** The pending socket error (SO_ERROR), as a positive errno, 0 if none, or -errno. */
    public static int soError(int fd) {
        return getsockopt(fd, SOL_SOCKET, SO_ERROR);
    }

    /**
     * SO_LINGER. {@code on=true, seconds=0} makes close() send RST instead of FIN
     * (Linux: tcp_close, "disconnect on zero linger"), which is how we relay a guest's RST.
     */
    public static int setLinger(int fd, boolean on, int seconds) {
        Native.Scratch s = Native.scratch();
        s.mem.set(INT, 0, on ? 1 : 0);
        s.mem.set(INT, 4, seconds);
        return setsockopt(s, fd, SOL_SOCKET, SO_LINGER, Abi.LINGER_LENGTH);
    }

    /** Bytes waiting to be read (FIONREAD / SIOCINQ), or -errno. */
    public static int bytesReadable(int fd) {
        return Sys.ioctlReadInt(fd, Abi.FIONREAD);
    }

    /** Bytes in the send queue not yet acknowledged by the peer (SIOCOUTQ), or -errno. */
    public static int bytesUnsent(int fd) {
        return Sys.ioctlReadInt(fd, Abi.SIOCOUTQ);
    }
}
