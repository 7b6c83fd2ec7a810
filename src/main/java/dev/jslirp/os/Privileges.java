package dev.jslirp.os;

import static dev.jslirp.os.Native.INT;
import static dev.jslirp.os.Native.LONG;
import static dev.jslirp.os.Native.PTR;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Process identity and privilege changes: ids, getpwnam, dropping to a user, prctl,
 * close_range. Results are {@code >= 0} or {@code -errno}, except {@link #dropTo} which is
 * a start-up step and throws {@link NativeException}.
 *
 * <p>glibc's setuid/setgid/setgroups change every thread of the process (it signals each
 * one), which is what we want in a JVM; so these three, and initgroups and getpwnam, which
 * are more than one syscall, keep libc handles of their own. The id getters, prctl and
 * close_range are plain syscalls by number ({@code Native.syscall}).
 * prctl(PR_SET_NO_NEW_PRIVS) and PR_SET_NAME act on the calling thread only.
 */
public final class Privileges {
    private Privileges() {}

    public static final int PR_SET_PDEATHSIG = Abi.PR_SET_PDEATHSIG, PR_SET_NAME = Abi.PR_SET_NAME,
            PR_SET_NO_NEW_PRIVS = Abi.PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS = Abi.PR_GET_NO_NEW_PRIVS;

    // One holder class per downcall: a handle is linked on its first call, not when this class is
    // initialised (see Native, "Lazy linking").
    private static final class Setuid {
        static final MethodHandle HANDLE = Native.errnoCall("setuid", FunctionDescriptor.of(INT, INT));
    }
    private static final class Setgid {
        static final MethodHandle HANDLE = Native.errnoCall("setgid", FunctionDescriptor.of(INT, INT));
    }
    private static final class Setgroups {
        static final MethodHandle HANDLE = Native.errnoCall("setgroups", FunctionDescriptor.of(INT, LONG, PTR));
    }
    private static final class Initgroups {
        static final MethodHandle HANDLE = Native.errnoCall("initgroups", FunctionDescriptor.of(INT, PTR, INT));
    }
    private static final class Getpwnam {
        static final MethodHandle HANDLE = Native.errnoCall("getpwnam", FunctionDescriptor.of(PTR, PTR));
    }

    public static int getpid() {
        return (int) Native.syscallCritical(Abi.SYS_GETPID);
    }

    /** The calling thread's kernel id. */
    public static int gettid() {
        return (int) Native.syscallCritical(Abi.SYS_GETTID);
    }

    public static int getuid() {
        return (int) Native.syscallCritical(Abi.SYS_GETUID);
    }

    public static int geteuid() {
        return (int) Native.syscallCritical(Abi.SYS_GETEUID);
    }

    public static int getgid() {
        return (int) Native.syscallCritical(Abi.SYS_GETGID);
    }

    /** A passwd entry. */
    public record User(String name, int uid, int gid, String home, String shell) {}

    /** getpwnam(3); empty when there is no such user. Not thread-safe in libc: start-up only. */
    public static Optional<User> getpwnam(String name) {
        Native.Scratch s = Native.scratch();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pw = (MemorySegment) Getpwnam.HANDLE.invokeExact(s.errno, arena.allocateFrom(name));
            if (pw.address() == 0) return Optional.empty();
            pw = Native.struct(pw, 48);
            return Optional.of(new User(
                    cString(pw.get(PTR, Abi.PW_NAME_OFFSET)), pw.get(INT, Abi.PW_UID_OFFSET),
                    pw.get(INT, Abi.PW_GID_OFFSET), cString(pw.get(PTR, Abi.PW_DIR_OFFSET)),
                    cString(pw.get(PTR, Abi.PW_SHELL_OFFSET))));
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    private static String cString(MemorySegment p) {
        return Native.copyCString(p);
    }

    public static int setuid(int uid) {
        return intCall(Setuid.HANDLE, uid);
    }

    public static int setgid(int gid) {
        return intCall(Setgid.HANDLE, gid);
    }

    private static int intCall(MethodHandle h, int arg) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) h.invokeExact(s.errno, arg), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    public static int setgroups(int[] gids) {
        Native.Scratch s = Native.scratch();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = gids.length == 0 ? MemorySegment.NULL : arena.allocateFrom(INT, gids);
            return Native.result((int) Setgroups.HANDLE.invokeExact(s.errno, (long) gids.length, list), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    public static int initgroups(String user, int gid) {
        Native.Scratch s = Native.scratch();
        try (Arena arena = Arena.ofConfined()) {
            return Native.result((int) Initgroups.HANDLE.invokeExact(s.errno, arena.allocateFrom(user), gid), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /**
     * Becomes {@code user} for good: supplementary groups, gid, then uid (that order: after
     * setuid we could no longer change groups). Throws when any step fails, since running
     * half-dropped would be worse than not starting.
     */
    public static User dropTo(String user) {
        User u = getpwnam(user).orElseThrow(() -> new IllegalArgumentException("no such user: " + user));
        NativeException.check("initgroups " + user, initgroups(u.name(), u.gid()));
        NativeException.check("setgid " + u.gid(), setgid(u.gid()));
        NativeException.check("setuid " + u.uid(), setuid(u.uid()));
        if (setuid(0) == 0 && u.uid() != 0) throw new IllegalStateException("could regain root after dropping");
        return u;
    }

    /** prctl(2) with numeric arguments. */
    public static int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        return (int) Native.syscall(Abi.SYS_PRCTL, option, arg2, arg3, arg4, arg5);
    }

    /** PR_SET_NO_NEW_PRIVS for the calling thread (and what it execs). */
    public static int setNoNewPrivs() {
        return prctl(Abi.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    }

    /** 1, 0 or -errno. */
    public static int noNewPrivs() {
        return prctl(Abi.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    }

    /** Signal to receive when the parent (thread that forked us) dies. */
    public static int setParentDeathSignal(int signal) {
        return prctl(Abi.PR_SET_PDEATHSIG, signal, 0, 0, 0);
    }

    /**
     * Names the process for ps/top: PR_SET_NAME renames the calling thread, and writing
     * /proc/self/comm renames the main thread, which is what ps shows. At most 15 bytes.
     */
    public static int setProcessName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, 15);
        int r = setThreadName(name);
        try {
            Files.write(Path.of("/proc/self/comm"), java.util.Arrays.copyOf(bytes, length));
        } catch (IOException e) {
            return r < 0 ? r : -Abi.EIO;
        }
        return r;
    }

    /** PR_SET_NAME: the calling thread's kernel name (top -H, /proc/thread-self/comm), 15 bytes max. */
    public static int setThreadName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(16);
            MemorySegment.copy(bytes, 0, n, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, Math.min(bytes.length, 15));
            return prctl(Abi.PR_SET_NAME, n.address(), 0, 0, 0);
        }
    }

    /**
     * close_range(2) over {@code [first, last]}; {@code cloexecOnly} marks them close-on-exec
     * instead of closing. Falls back to walking /proc/self/fd on kernels without it.
     * Careful in a JVM: the runtime owns descriptors we don't know about.
     */
    public static int closeRange(int first, int last, boolean cloexecOnly) {
        int r = (int) Native.syscall(Abi.SYS_CLOSE_RANGE, first, last & 0xffffffffL,
                cloexecOnly ? Abi.CLOSE_RANGE_CLOEXEC : 0);
        if (r != -Abi.ENOSYS) return r; // 0 or -errno
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            int[] list = fds.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).toArray();
            for (int fd : list) {
                if (Integer.compareUnsigned(fd, first) >= 0 && Integer.compareUnsigned(fd, last) <= 0) {
                    if (cloexecOnly) Sys.setCloseOnExec(fd, true); else Sys.close(fd);
                }
            }
            return 0;
        } catch (IOException e) {
            return -Abi.EIO;
        }
    }
}
