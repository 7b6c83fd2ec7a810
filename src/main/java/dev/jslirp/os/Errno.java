package dev.jslirp.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * errno values (positive; syscall wrappers return them negated) and their text.
 * Values are Linux's, re-exported from {@link Abi}.
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = Abi.EPERM, ENOENT = Abi.ENOENT, ESRCH = Abi.ESRCH,
            EINTR = Abi.EINTR, EIO = Abi.EIO, EBADF = Abi.EBADF, ECHILD = Abi.ECHILD,
            EAGAIN = Abi.EAGAIN, EWOULDBLOCK = Abi.EAGAIN, ENOMEM = Abi.ENOMEM,
            EACCES = Abi.EACCES, EFAULT = Abi.EFAULT, EBUSY = Abi.EBUSY, EEXIST = Abi.EEXIST,
            ENODEV = Abi.ENODEV, EINVAL = Abi.EINVAL, ENFILE = Abi.ENFILE, EMFILE = Abi.EMFILE, ENOSPC = Abi.ENOSPC,
            EPIPE = Abi.EPIPE, ENOSYS = Abi.ENOSYS, EOPNOTSUPP = Abi.EOPNOTSUPP,
            ENOTSOCK = Abi.ENOTSOCK, EDESTADDRREQ = Abi.EDESTADDRREQ, EMSGSIZE = Abi.EMSGSIZE,
            EPROTOTYPE = Abi.EPROTOTYPE, ENOPROTOOPT = Abi.ENOPROTOOPT,
            EPROTONOSUPPORT = Abi.EPROTONOSUPPORT, EAFNOSUPPORT = Abi.EAFNOSUPPORT,
            EADDRINUSE = Abi.EADDRINUSE, EADDRNOTAVAIL = Abi.EADDRNOTAVAIL,
            ENETDOWN = Abi.ENETDOWN, ENETUNREACH = Abi.ENETUNREACH,
            ECONNABORTED = Abi.ECONNABORTED, ECONNRESET = Abi.ECONNRESET, ENOBUFS = Abi.ENOBUFS,
            EISCONN = Abi.EISCONN, ENOTCONN = Abi.ENOTCONN, ETIMEDOUT = Abi.ETIMEDOUT,
            ECONNREFUSED = Abi.ECONNREFUSED, EHOSTDOWN = Abi.EHOSTDOWN,
            EHOSTUNREACH = Abi.EHOSTUNREACH, EALREADY = Abi.EALREADY,
            EINPROGRESS = Abi.EINPROGRESS;

    // One holder class per downcall: a handle is linked on its first call, not when this class is
    // initialised (see Native, "Lazy linking").
    private static final class Strerror {
        static final MethodHandle HANDLE = Native.call("strerror", FunctionDescriptor.of(Native.PTR, Native.INT));
    }

    /** libc's message for {@code errno} (either sign accepted). Allocates: not for hot paths. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Strerror.HANDLE.invokeExact(Math.abs(errno));
            return Native.copyCString(s);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** The symbolic name ("ECONNREFUSED"), or "errno N" for ones we don't name. */
    public static String name(int errno) {
        return switch (Math.abs(errno)) {
            case EPERM -> "EPERM"; case ENOENT -> "ENOENT"; case ESRCH -> "ESRCH";
            case EINTR -> "EINTR"; case EIO -> "EIO"; case EBADF -> "EBADF";
            case ECHILD -> "ECHILD"; case EAGAIN -> "EAGAIN"; case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES"; case EFAULT -> "EFAULT"; case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST"; case ENODEV -> "ENODEV"; case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE"; case EMFILE -> "EMFILE"; case ENOSPC -> "ENOSPC"; case EPIPE -> "EPIPE";
            case ENOSYS -> "ENOSYS"; case EOPNOTSUPP -> "EOPNOTSUPP"; case ENOTSOCK -> "ENOTSOCK";
            case EDESTADDRREQ -> "EDESTADDRREQ"; case EMSGSIZE -> "EMSGSIZE";
            case EPROTOTYPE -> "EPROTOTYPE"; case ENOPROTOOPT -> "ENOPROTOOPT";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT"; case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case EADDRINUSE -> "EADDRINUSE"; case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETDOWN -> "ENETDOWN"; case ENETUNREACH -> "ENETUNREACH";
            case ECONNABORTED -> "ECONNABORTED"; case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS"; case EISCONN -> "EISCONN"; case ENOTCONN -> "ENOTCONN";
            case ETIMEDOUT -> "ETIMEDOUT"; case ECONNREFUSED -> "ECONNREFUSED";
            case EHOSTDOWN -> "EHOSTDOWN"; case EHOSTUNREACH -> "EHOSTUNREACH";
            case EALREADY -> "EALREADY"; case EINPROGRESS -> "EINPROGRESS";
            default -> "errno " + Math.abs(errno);
        };
    }
}
