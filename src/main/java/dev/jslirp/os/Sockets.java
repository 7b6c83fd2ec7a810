package dev.jslirp.os;

import static dev.jslirp.os.Native.INT;
import static dev.jslirp.os.Native.LONG;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
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
 *
 * <p>Each call is one syscall(2) by number ({@code Native.syscall}; send and recv are sendto
 * and recvfrom without an address, as in glibc). The address holders' memory belongs to an
 * automatic arena, freed once the holder is unreachable, so a call that passes a holder's
 * address fences the holder until the syscall has returned.
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

    // ---- creation ----

    public static int socket(int domain, int type, int protocol) {
        return (int) Native.syscallCritical(Abi.SYS_SOCKET, domain, type, protocol);
    }

    /** socketpair(2); the two ends go into {@code out[0]} and {@code out[1]}. */
    public static int socketpair(int domain, int type, int protocol, int[] out) {
        MemorySegment fds = Native.scratch().mem;
        int r = (int) Native.syscallCritical(Abi.SYS_SOCKETPAIR, domain, type, protocol, fds.address());
        if (r >= 0) {
            out[0] = fds.get(INT, 0);
            out[1] = fds.get(INT, 4);
        }
        return r;
    }

    // ---- addresses ----

    private static long sockaddrIn(Native.Scratch s, int addr, int port) {
        ByteBuffer m = s.buf;
        m.putLong(0, 0L);
        m.putLong(8, 0L);
        m.putShort(Abi.SIN_FAMILY_OFFSET, (short) Abi.AF_INET);
        s.net.putShort(Abi.SIN_PORT_OFFSET, (short) port);
        s.net.putInt(Abi.SIN_ADDR_OFFSET, addr);
        return s.address;
    }

    public static int bindInet(int fd, int addr, int port) {
        long sockaddr = sockaddrIn(Native.scratch(), addr, port);
        return (int) Native.syscall(Abi.SYS_BIND, fd, sockaddr, Abi.SOCKADDR_IN_LENGTH);
    }

    /** connect(2) to an IPv4 address; on a non-blocking socket expect -EINPROGRESS. */
    public static int connectInet(int fd, int addr, int port) {
        long sockaddr = sockaddrIn(Native.scratch(), addr, port);
        return (int) Native.syscall(Abi.SYS_CONNECT, fd, sockaddr, Abi.SOCKADDR_IN_LENGTH);
    }

    public static int bind(int fd, UnixSockAddr addr) {
        int r = (int) Native.syscall(Abi.SYS_BIND, fd, addr.address, addr.length());
        Reference.reachabilityFence(addr);
        return r;
    }

    public static int connect(int fd, UnixSockAddr addr) {
        int r = (int) Native.syscall(Abi.SYS_CONNECT, fd, addr.address, addr.length());
        Reference.reachabilityFence(addr);
        return r;
    }

    /** Binds to a unix socket path or '@abstract' name (allocates; set-up use). */
    public static int bindUnix(int fd, String path) {
        return bind(fd, UnixSockAddr.of(path));
    }

    public static int connectUnix(int fd, String path) {
        return connect(fd, UnixSockAddr.of(path));
    }

    public static int listen(int fd, int backlog) {
        return (int) Native.syscallCritical(Abi.SYS_LISTEN, fd, backlog);
    }

    /** accept4(2) without the peer's address. Use {@link #NONBLOCK_CLOEXEC} as flags. */
    public static int accept4(int fd, int flags) {
        return (int) Native.syscall(Abi.SYS_ACCEPT4, fd, 0, 0, flags);
    }

    /** accept4(2) of an AF_INET connection; the peer's address lands in {@code peer}. */
    public static int accept4(int fd, InetSockAddr peer, int flags) {
        peer.prepareForResult();
        int r = (int) Native.syscall(Abi.SYS_ACCEPT4, fd, peer.address, peer.address + InetSockAddr.LEN_OFFSET, flags);
        Reference.reachabilityFence(peer);
        return r;
    }

    public static int getsockname(int fd, InetSockAddr into) {
        into.prepareForResult();
        int r = (int) Native.syscallCritical(Abi.SYS_GETSOCKNAME, fd, into.address, into.address + InetSockAddr.LEN_OFFSET);
        Reference.reachabilityFence(into);
        return r;
    }

    public static int getpeername(int fd, InetSockAddr into) {
        into.prepareForResult();
        int r = (int) Native.syscallCritical(Abi.SYS_GETPEERNAME, fd, into.address, into.address + InetSockAddr.LEN_OFFSET);
        Reference.reachabilityFence(into);
        return r;
    }

    public static int getsockname(int fd, UnixSockAddr into) {
        into.prepareForResult();
        int r = (int) Native.syscallCritical(Abi.SYS_GETSOCKNAME, fd, into.address, into.address + UnixSockAddr.LEN_OFFSET);
        Reference.reachabilityFence(into);
        return r;
    }

    /** Local port of a bound AF_INET socket, or -errno (allocation-free via scratch). */
    public static int localPort(int fd) {
        Native.Scratch s = Native.scratch();
        s.buf.putInt(16, Abi.SOCKADDR_IN_LENGTH);
        int r = (int) Native.syscallCritical(Abi.SYS_GETSOCKNAME, fd, s.address, s.address + 16);
        return r < 0 ? r : Short.toUnsignedInt(s.net.getShort(Abi.SIN_PORT_OFFSET));
    }

    public static int shutdown(int fd, int how) {
        return (int) Native.syscall(Abi.SYS_SHUTDOWN, fd, how);
    }

    // ---- data ----

    public static int send(int fd, ByteBuffer buf, int offset, int length, int flags) {
        return send(fd, Native.address(Native.scratch(), buf, offset, length), length, flags);
    }

    public static int send(int fd, long address, int length, int flags) {
        return (int) Native.syscall(Abi.SYS_SENDTO, fd, address, length, flags, 0, 0);
    }

    /**
     * recv(2). With MSG_TRUNC on a datagram/SEQPACKET socket the result is the record's real
     * length even when larger than {@code length} (MSG_PEEK|MSG_TRUNC sizes the next record).
     */
    public static int recv(int fd, ByteBuffer buf, int offset, int length, int flags) {
        return recv(fd, Native.address(Native.scratch(), buf, offset, length), length, flags);
    }

    public static int recv(int fd, long address, int length, int flags) {
        return (int) Native.syscall(Abi.SYS_RECVFROM, fd, address, length, flags, 0, 0);
    }

    /** sendto(2) an IPv4 destination given as numbers (no holder needed). */
    public static int sendto(int fd, ByteBuffer buf, int offset, int length, int flags, int addr, int port) {
        Native.Scratch s = Native.scratch();
        long data = Native.address(s, buf, offset, length);
        long to = sockaddrIn(s, addr, port);
        return (int) Native.syscall(Abi.SYS_SENDTO, fd, data, length, flags, to, Abi.SOCKADDR_IN_LENGTH);
    }

    public static int sendto(int fd, long address, int length, int flags, int addr, int port) {
        long to = sockaddrIn(Native.scratch(), addr, port);
        return (int) Native.syscall(Abi.SYS_SENDTO, fd, address, length, flags, to, Abi.SOCKADDR_IN_LENGTH);
    }

    /** sendto(2) a unix datagram socket. */
    public static int sendto(int fd, ByteBuffer buf, int offset, int length, int flags, UnixSockAddr to) {
        long data = Native.address(Native.scratch(), buf, offset, length);
        int r = (int) Native.syscall(Abi.SYS_SENDTO, fd, data, length, flags, to.address, to.length());
        Reference.reachabilityFence(to);
        return r;
    }

    /** recvfrom(2); the IPv4 sender lands in {@code from}. */
    public static int recvfrom(int fd, ByteBuffer buf, int offset, int length, int flags, InetSockAddr from) {
        return recvfrom(fd, Native.address(Native.scratch(), buf, offset, length), length, flags, from);
    }

    public static int recvfrom(int fd, long address, int length, int flags, InetSockAddr from) {
        from.prepareForResult();
        int r = (int) Native.syscall(Abi.SYS_RECVFROM, fd, address, length, flags,
                from.address, from.address + InetSockAddr.LEN_OFFSET);
        Reference.reachabilityFence(from);
        return r;
    }

    /** recvfrom(2) on a unix datagram socket; the sender's path lands in {@code from}. */
    public static int recvfrom(int fd, ByteBuffer buf, int offset, int length, int flags, UnixSockAddr from) {
        long data = Native.address(Native.scratch(), buf, offset, length);
        from.prepareForResult();
        int r = (int) Native.syscall(Abi.SYS_RECVFROM, fd, data, length, flags,
                from.address, from.address + UnixSockAddr.LEN_OFFSET);
        Reference.reachabilityFence(from);
        return r;
    }

    /** sendmsg(2) of the holder's iovecs and descriptors. */
    public static int sendmsg(int fd, MsgHdr msg, int flags) {
        int r = (int) Native.syscall(Abi.SYS_SENDMSG, fd, msg.prepareSend(), flags);
        Reference.reachabilityFence(msg);
        return r;
    }

    /**
     * recvmsg(2) into the holder's iovecs; passed descriptors are collected into the holder.
     * MSG_CMSG_CLOEXEC is always added so received descriptors don't leak into children.
     */
    public static int recvmsg(int fd, MsgHdr msg, int flags) {
        int r = (int) Native.syscall(Abi.SYS_RECVMSG, fd, msg.prepareReceive(), flags | Abi.MSG_CMSG_CLOEXEC);
        if (r >= 0) msg.afterReceive();
        Reference.reachabilityFence(msg);
        return r;
    }

    // ---- options ----

    public static int setsockopt(int fd, int level, int option, int value) {
        Native.Scratch s = Native.scratch();
        s.buf.putInt(0, value);
        return setsockopt(s, fd, level, option, 4);
    }

    /** setsockopt(2) of the {@code length}-byte value at the start of the scratch area. */
    private static int setsockopt(Native.Scratch s, int fd, int level, int option, int length) {
        return (int) Native.syscallCritical(Abi.SYS_SETSOCKOPT, fd, level, option, s.address, length);
    }

    /** An int option's value (all the ones we use are >= 0), or -errno. */
    public static int getsockopt(int fd, int level, int option) {
        Native.Scratch s = Native.scratch();
        s.buf.putInt(0, 0);
        s.buf.putInt(8, 4);
        int r = (int) Native.syscallCritical(Abi.SYS_GETSOCKOPT, fd, level, option, s.address, s.address + 8);
        return r < 0 ? r : s.buf.getInt(0);
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
        s.buf.putInt(0, on ? 1 : 0);
        s.buf.putInt(4, seconds);
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
