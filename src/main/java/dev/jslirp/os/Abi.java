package dev.jslirp.os;

/**
 * Every number of the Linux x86_64 ABI this package uses: errno values, flags, ioctl
 * requests, syscall numbers and struct layouts (offsets and sizes).
 *
 * <p>This is the one file a port replaces (see docs/os-port.md). The public classes re-export
 * these values as their own constants ({@code Sockets.AF_INET = Abi.AF_INET}); the
 * re-exports stay compile-time constants, so callers may {@code switch} on them.
 */
final class Abi {
    private Abi() {}

    // errno (asm-generic/errno-base.h, asm-generic/errno.h)
    static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, ECHILD = 10,
            EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17,
            ENODEV = 19, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOSPC = 28, EPIPE = 32, ENOSYS = 38,
            EOPNOTSUPP = 95, ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91,
            ENOPROTOOPT = 92, EPROTONOSUPPORT = 93, EAFNOSUPPORT = 97, EADDRINUSE = 98,
            EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101, ECONNABORTED = 103,
            ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ETIMEDOUT = 110,
            ECONNREFUSED = 111, EHOSTDOWN = 112, EHOSTUNREACH = 113, EALREADY = 114,
            EINPROGRESS = 115;

    // open/fcntl (asm-generic/fcntl.h)
    static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_NONBLOCK = 0x800,
            O_CLOEXEC = 0x80000, O_DIRECTORY = 0x10000, O_PATH = 0x200000;
    static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4,
            F_DUPFD_CLOEXEC = 1030, FD_CLOEXEC = 1;
    static final int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000, EFD_SEMAPHORE = 1;
    // pipe capacity (linux/fcntl.h: F_LINUX_SPECIFIC_BASE 1024 + 7, + 8)
    static final int F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
    // splice (linux/splice.h)
    static final int SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4;

    // poll (asm-generic/poll.h)
    static final int POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10,
            POLLNVAL = 0x20, POLLRDHUP = 0x2000;
    static final int POLLFD_LENGTH = 8; // struct pollfd { int fd; short events, revents; }

    // sockets (bits/socket.h, netinet/in.h, netinet/tcp.h)
    static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16;
    static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5,
            SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17;
    static final int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4,
            SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_LINGER = 13, SO_REUSEPORT = 15,
            SO_RCVLOWAT = 18, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33;
    static final int SCM_RIGHTS = 1;
    static final int IP_TTL = 2, IP_RECVERR = 11;
    static final int TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5,
            TCP_KEEPCNT = 6;
    static final int MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20,
            MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_ERRQUEUE = 0x2000,
            MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    static final int SOMAXCONN = 4096;

    // struct sockaddr_in: sa_family_t(2) port(2, network order) addr(4, network order) zero(8)
    static final int SOCKADDR_IN_LENGTH = 16, SIN_FAMILY_OFFSET = 0, SIN_PORT_OFFSET = 2,
            SIN_ADDR_OFFSET = 4;
    // struct sockaddr_un: sa_family_t(2) sun_path[108]
    static final int SOCKADDR_UN_LENGTH = 110, SUN_PATH_OFFSET = 2, SUN_PATH_LENGTH = 108;
    // struct iovec { void *base; size_t len; }
    static final int IOVEC_LENGTH = 16;
    // struct msghdr { name*, socklen_t namelen, pad, iovec*, size_t iovlen, control*,
    //                 size_t controllen, int flags, pad }
    static final int MSGHDR_LENGTH = 56, MSG_NAME_OFFSET = 0, MSG_NAMELEN_OFFSET = 8,
            MSG_IOV_OFFSET = 16, MSG_IOVLEN_OFFSET = 24, MSG_CONTROL_OFFSET = 32,
            MSG_CONTROLLEN_OFFSET = 40, MSG_FLAGS_OFFSET = 48;
    // struct cmsghdr { size_t len; int level; int type; data (aligned to size_t) }
    static final int CMSG_HEADER_LENGTH = 16, CMSG_LEN_OFFSET = 0, CMSG_LEVEL_OFFSET = 8,
            CMSG_TYPE_OFFSET = 12, CMSG_ALIGN = 8;
    // struct linger { int l_onoff; int l_linger; }
    static final int LINGER_LENGTH = 8;

    // ioctl (asm-generic/ioctls.h, linux/sockios.h)
    static final long FIONREAD = 0x541B, TIOCOUTQ = 0x5411, SIOCOUTQ = TIOCOUTQ,
            FIONBIO = 0x5421;

    // epoll (sys/epoll.h); struct epoll_event is packed on x86_64: u32 events, u64 data.
    static final int EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8,
            EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000, EPOLLEXCLUSIVE = 1 << 28,
            EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31;
    static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3,
            EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_EVENT_LENGTH = 12, EPOLL_EVENTS_OFFSET = 0, EPOLL_DATA_OFFSET = 4;

    // tun/tap (linux/if_tun.h, linux/if.h)
    static final String TUN_DEVICE = "/dev/net/tun";
    static final long TUNSETIFF = 0x400454caL, TUNSETOFFLOAD = 0x400454d0L,
            TUNSETVNETHDRSZ = 0x400454d8L, TUNGETIFF = 0x800454d2L;
    static final int IFF_TUN = 0x0001, IFF_TAP = 0x0002, IFF_NO_PI = 0x1000,
            IFF_VNET_HDR = 0x4000, IFF_MULTI_QUEUE = 0x0100;
    static final int TUN_F_CSUM = 0x01, TUN_F_TSO4 = 0x02, TUN_F_TSO6 = 0x04,
            TUN_F_TSO_ECN = 0x08, TUN_F_UFO = 0x10, TUN_F_USO4 = 0x20, TUN_F_USO6 = 0x40;
    // struct ifreq: char name[16]; union { sockaddr; short flags; int mtu; ... } (24 bytes)
    static final int IFNAMSIZ = 16, IFREQ_LENGTH = 40, IFR_UNION_OFFSET = 16;
    static final int IFF_UP = 0x1, IFF_RUNNING = 0x40;
    static final int ARPHRD_ETHER = 1;
    static final long SIOCADDRT = 0x890B, SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914,
            SIOCSIFADDR = 0x8916, SIOCSIFNETMASK = 0x891c, SIOCSIFMTU = 0x8922,
            SIOCSIFHWADDR = 0x8924, SIOCGIFINDEX = 0x8933;
    // struct rtentry (net/route.h) on LP64
    static final int RTENTRY_LENGTH = 120, RT_DST_OFFSET = 8, RT_GATEWAY_OFFSET = 24,
            RT_GENMASK_OFFSET = 40, RT_FLAGS_OFFSET = 56, RT_METRIC_OFFSET = 80,
            RT_DEV_OFFSET = 88;
    static final int RTF_UP = 0x1, RTF_GATEWAY = 0x2;

    // namespaces (linux/sched.h)
    static final int CLONE_NEWNS = 0x00020000, CLONE_NEWUTS = 0x04000000,
            CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
            CLONE_NEWNET = 0x40000000;

    // prctl (linux/prctl.h)
    static final int PR_SET_PDEATHSIG = 1, PR_SET_NAME = 15, PR_GET_NAME = 16,
            PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;

    // signals and wait (asm/signal.h, bits/waitflags.h)
    static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10,
            SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17,
            SIGCONT = 18, SIGSTOP = 19;
    static final int WNOHANG = 1, WUNTRACED = 2;

    // posix_spawn (glibc spawn.h); opaque types, sizes rounded up from glibc's 80 and 336.
    static final int POSIX_SPAWN_RESETIDS = 0x01, POSIX_SPAWN_SETPGROUP = 0x02,
            POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08,
            POSIX_SPAWN_SETSID = 0x80;
    static final int POSIX_SPAWN_FILE_ACTIONS_LENGTH = 256, POSIX_SPAWNATTR_LENGTH = 512,
            SIGSET_LENGTH = 128;

    // struct passwd (pwd.h) on LP64
    static final int PW_NAME_OFFSET = 0, PW_UID_OFFSET = 16, PW_GID_OFFSET = 20,
            PW_DIR_OFFSET = 32, PW_SHELL_OFFSET = 40;

    // syscall numbers (x86_64, asm/unistd_64.h). The bindings call syscall(2) by number
    // (Native.syscall) wherever glibc's function is a plain wrapper of one syscall, and for
    // the calls glibc 2.36 does not wrap (close_range, landlock_*). open is openat, as in
    // glibc; dup2, poll and epoll_wait exist on x86_64 only (arm64 and the other asm-generic
    // ABIs have dup3, ppoll and epoll_pwait), so a port there changes those three bindings too.
    static final long SYS_READ = 0, SYS_WRITE = 1, SYS_CLOSE = 3, SYS_POLL = 7, SYS_MMAP = 9,
            SYS_MUNMAP = 11, SYS_IOCTL = 16, SYS_READV = 19, SYS_WRITEV = 20, SYS_DUP2 = 33,
            SYS_SOCKET = 41, SYS_CONNECT = 42, SYS_SENDTO = 44, SYS_RECVFROM = 45,
            SYS_SENDMSG = 46, SYS_RECVMSG = 47, SYS_SHUTDOWN = 48, SYS_BIND = 49,
            SYS_LISTEN = 50, SYS_GETSOCKNAME = 51, SYS_GETPEERNAME = 52, SYS_SOCKETPAIR = 53,
            SYS_SETSOCKOPT = 54, SYS_GETSOCKOPT = 55, SYS_FCNTL = 72, SYS_EPOLL_WAIT = 232,
            SYS_EPOLL_CTL = 233, SYS_OPENAT = 257, SYS_UNSHARE = 272, SYS_SPLICE = 275, SYS_ACCEPT4 = 288,
            SYS_EVENTFD2 = 290, SYS_EPOLL_CREATE1 = 291, SYS_DUP3 = 292, SYS_PIPE2 = 293,
            SYS_SETNS = 308;
    static final long SYS_GETPID = 39, SYS_GETUID = 102, SYS_GETGID = 104, SYS_GETEUID = 107,
            SYS_PRCTL = 157, SYS_GETTID = 186;
    static final long SYS_CLOSE_RANGE = 436, SYS_LANDLOCK_CREATE_RULESET = 444,
            SYS_LANDLOCK_ADD_RULE = 445, SYS_LANDLOCK_RESTRICT_SELF = 446;
    static final int AT_FDCWD = -100; // openat: a path relative to the working directory
    static final int CLOSE_RANGE_CLOEXEC = 1 << 2;

    // Landlock (linux/landlock.h)
    static final int LANDLOCK_CREATE_RULESET_VERSION = 1;
    static final int LANDLOCK_RULE_PATH_BENEATH = 1, LANDLOCK_RULE_NET_PORT = 2;
    static final int LANDLOCK_RESTRICT_SELF_TSYNC = 1 << 3;
    static final long LANDLOCK_ACCESS_FS_ABI1 = (1L << 13) - 1, // EXECUTE .. MAKE_SYM
            LANDLOCK_ACCESS_FS_REFER = 1L << 13, LANDLOCK_ACCESS_FS_TRUNCATE = 1L << 14,
            LANDLOCK_ACCESS_FS_IOCTL_DEV = 1L << 15;
    static final long LANDLOCK_ACCESS_NET_BIND_TCP = 1, LANDLOCK_ACCESS_NET_CONNECT_TCP = 2;
    // struct landlock_ruleset_attr { u64 handled_access_fs, handled_access_net, scoped; }
    static final int LANDLOCK_RULESET_ATTR_FS_ONLY_LENGTH = 8, LANDLOCK_RULESET_ATTR_NET_LENGTH = 16;
    // struct landlock_net_port_attr { u64 allowed_access; u64 port; }
    static final int LANDLOCK_NET_PORT_ATTR_LENGTH = 16;

    // syslog (sys/syslog.h)
    static final String SYSLOG_PATH = "/dev/log";
}
