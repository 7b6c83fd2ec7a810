package dev.jslirp.os;

import static dev.jslirp.os.Native.INT;
import static dev.jslirp.os.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Starting and reaping child processes: posix_spawnp(3) with an explicit descriptor map,
 * kill(2), waitpid(2).
 *
 * <p>Why not ProcessBuilder: it cannot hand a child an arbitrary descriptor as a given
 * number (bhyve's helper protocol passes one socketpair end; {@code jslirp run -- CMD}
 * passes the tap side), and it pipes stdio. Here the child gets exactly: its stdin, stdout and
 * stderr (unless mapped), the mapped descriptors, nothing else (everything above the
 * highest target is closed with posix_spawn_file_actions_addclosefrom_np; descriptors
 * below it that are not mapped must be close-on-exec, which everything the JVM and this
 * package opens is). Signal mask emptied and every signal reset to default, since the JVM
 * blocks and handles several. Start-up use: spawn throws {@link NativeException}.
 *
 * <p>The JVM reaps only the children it started itself (waitpid on their pids), so our
 * children are ours to {@link #waitpid}.
 */
public final class Spawn {
    private Spawn() {}

    public static final int SIGHUP = Abi.SIGHUP, SIGINT = Abi.SIGINT, SIGQUIT = Abi.SIGQUIT,
            SIGKILL = Abi.SIGKILL, SIGUSR1 = Abi.SIGUSR1, SIGSEGV = Abi.SIGSEGV,
            SIGUSR2 = Abi.SIGUSR2, SIGPIPE = Abi.SIGPIPE, SIGALRM = Abi.SIGALRM,
            SIGTERM = Abi.SIGTERM, SIGCHLD = Abi.SIGCHLD, SIGCONT = Abi.SIGCONT,
            SIGSTOP = Abi.SIGSTOP;
    public static final int WNOHANG = Abi.WNOHANG, WUNTRACED = Abi.WUNTRACED;

    // One holder class per downcall: a handle is linked on its first call, not when this class is
    // initialised (see Native, "Lazy linking").
    private static final class Spawnp {
        static final MethodHandle HANDLE = Native.call("posix_spawnp",
                FunctionDescriptor.of(INT, PTR, PTR, PTR, PTR, PTR, PTR));
    }
    private static final class FaInit {
        static final MethodHandle HANDLE = Native.call("posix_spawn_file_actions_init",
                FunctionDescriptor.of(INT, PTR));
    }
    private static final class FaDestroy {
        static final MethodHandle HANDLE = Native.call("posix_spawn_file_actions_destroy",
                FunctionDescriptor.of(INT, PTR));
    }
    private static final class FaDup2 {
        static final MethodHandle HANDLE = Native.call("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(INT, PTR, INT, INT));
    }
    private static final class FaClosefrom {
        static final Optional<MethodHandle> HANDLE = Native.optionalCall("posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(INT, PTR, INT));
    }
    private static final class AttrInit {
        static final MethodHandle HANDLE = Native.call("posix_spawnattr_init", FunctionDescriptor.of(INT, PTR));
    }
    private static final class AttrDestroy {
        static final MethodHandle HANDLE = Native.call("posix_spawnattr_destroy", FunctionDescriptor.of(INT, PTR));
    }
    private static final class AttrSetflags {
        static final MethodHandle HANDLE = Native.call("posix_spawnattr_setflags",
                FunctionDescriptor.of(INT, PTR, Native.SHORT));
    }
    private static final class AttrSetsigmask {
        static final MethodHandle HANDLE = Native.call("posix_spawnattr_setsigmask",
                FunctionDescriptor.of(INT, PTR, PTR));
    }
    private static final class AttrSetsigdefault {
        static final MethodHandle HANDLE = Native.call("posix_spawnattr_setsigdefault",
                FunctionDescriptor.of(INT, PTR, PTR));
    }
    private static final class AttrSetpgroup {
        static final MethodHandle HANDLE = Native.call("posix_spawnattr_setpgroup",
                FunctionDescriptor.of(INT, PTR, INT));
    }
    private static final class Sigemptyset {
        static final MethodHandle HANDLE = Native.call("sigemptyset", FunctionDescriptor.of(INT, PTR));
    }
    private static final class Sigfillset {
        static final MethodHandle HANDLE = Native.call("sigfillset", FunctionDescriptor.of(INT, PTR));
    }
    private static final class Kill {
        static final MethodHandle HANDLE = Native.errnoCall("kill", FunctionDescriptor.of(INT, INT, INT));
    }
    private static final class Waitpid {
        static final MethodHandle HANDLE = Native.errnoCall("waitpid",
                FunctionDescriptor.of(INT, INT, Native.LONG, INT));
    }

    /** What to start. {@code env == null} inherits our environment. */
    public record Request(String program, List<String> argv, List<String> env,
                          Map<Integer, Integer> childFdFromParentFd, boolean newProcessGroup) {
        public Request {
            argv = List.copyOf(argv);
            env = env == null ? null : List.copyOf(env);
            childFdFromParentFd = Map.copyOf(childFdFromParentFd);
            if (argv.isEmpty()) throw new IllegalArgumentException("argv is empty (argv[0] is the name)");
        }

        public static Request of(String program, List<String> argv) {
            return new Request(program, argv, null, Map.of(), false);
        }

        /** Maps our descriptor {@code parentFd} to the child's number {@code childFd}. */
        public Request withFd(int childFd, int parentFd) {
            Map<Integer, Integer> m = new TreeMap<>(childFdFromParentFd);
            m.put(childFd, parentFd);
            return new Request(program, argv, env, m, newProcessGroup);
        }

        public Request withEnv(List<String> environment) {
            return new Request(program, argv, environment, childFdFromParentFd, newProcessGroup);
        }

        public Request inNewProcessGroup() {
            return new Request(program, argv, env, childFdFromParentFd, true);
        }
    }

    /** posix_spawnp: {@code program} is searched in PATH when it has no '/'. Returns the pid. */
    public static int spawn(Request request) {
        // Move every source out of the way first (close-on-exec copies above all targets),
        // so that mapping 3->4 and 4->3 cannot clobber one another.
        TreeMap<Integer, Integer> map = new TreeMap<>(request.childFdFromParentFd());
        int maxTarget = map.isEmpty() ? 2 : Math.max(2, map.lastKey());
        int[] temps = new int[map.size()];
        int n = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fa = arena.allocate(Abi.POSIX_SPAWN_FILE_ACTIONS_LENGTH, 16);
            MemorySegment attr = arena.allocate(Abi.POSIX_SPAWNATTR_LENGTH, 16);
            MemorySegment sigs = arena.allocate(Abi.SIGSET_LENGTH, 16);
            MemorySegment pid = arena.allocate(INT);
            check("posix_spawn_file_actions_init", (int) FaInit.HANDLE.invokeExact(fa));
            check("posix_spawnattr_init", (int) AttrInit.HANDLE.invokeExact(attr));
            try {
                for (Map.Entry<Integer, Integer> e : map.entrySet()) {
                    int temp = Sys.dupAtLeast(e.getValue(), maxTarget + 1);
                    if (temp < 0) throw new NativeException("dup of fd " + e.getValue() + " for the child", -temp);
                    temps[n++] = temp;
                    check("posix_spawn_file_actions_adddup2",
                            (int) FaDup2.HANDLE.invokeExact(fa, temp, (int) e.getKey()));
                }
                if (FaClosefrom.HANDLE.isPresent()) {
                    check("posix_spawn_file_actions_addclosefrom_np",
                            (int) FaClosefrom.HANDLE.get().invokeExact(fa, maxTarget + 1));
                }
                short flags = (short) (Abi.POSIX_SPAWN_SETSIGMASK | Abi.POSIX_SPAWN_SETSIGDEF
                        | (request.newProcessGroup() ? Abi.POSIX_SPAWN_SETPGROUP : 0));
                check("posix_spawnattr_setflags", (int) AttrSetflags.HANDLE.invokeExact(attr, flags));
                int ignored = (int) Sigemptyset.HANDLE.invokeExact(sigs);
                check("posix_spawnattr_setsigmask", (int) AttrSetsigmask.HANDLE.invokeExact(attr, sigs));
                ignored = (int) Sigfillset.HANDLE.invokeExact(sigs);
                check("posix_spawnattr_setsigdefault", (int) AttrSetsigdefault.HANDLE.invokeExact(attr, sigs));
                if (request.newProcessGroup()) {
                    check("posix_spawnattr_setpgroup", (int) AttrSetpgroup.HANDLE.invokeExact(attr, 0));
                }
                MemorySegment argv = stringArray(arena, request.argv());
                MemorySegment envp = request.env() == null
                        ? Native.globalPointer("environ") : stringArray(arena, request.env());
                int r = (int) Spawnp.HANDLE.invokeExact(pid, arena.allocateFrom(request.program()), fa, attr, argv, envp);
                if (r != 0) throw new NativeException("posix_spawnp " + request.program(), r);
                return pid.get(INT, 0);
            } finally {
                int ignored = (int) FaDestroy.HANDLE.invokeExact(fa);
                ignored = (int) AttrDestroy.HANDLE.invokeExact(attr);
                for (int i = 0; i < n; i++) Sys.close(temps[i]);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /** posix_spawn* functions return the error number instead of setting errno. */
    private static void check(String what, int r) {
        if (r != 0) throw new NativeException(what, r);
    }

    private static MemorySegment stringArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(PTR, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) array.setAtIndex(PTR, i, arena.allocateFrom(strings.get(i)));
        array.setAtIndex(PTR, strings.size(), MemorySegment.NULL);
        return array;
    }

    /** kill(2): 0 or -errno. */
    public static int kill(int pid, int signal) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Kill.HANDLE.invokeExact(s.errno, pid, signal), s.errno);
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }

    /**
     * waitpid(2). Returns the raw status (decode with {@link WaitStatus}) of a reaped child,
     * {@link WaitStatus#NOT_YET} when WNOHANG found it still running, or -errno (an errno
     * result and a status never collide: -errno is negative and small, and status
     * values are below 0x10000, so NOT_YET is {@code Integer.MIN_VALUE}).
     * Blocks without WNOHANG; EINTR is retried.
     */
    public static int waitpid(int pid, int flags) {
        Native.Scratch s = Native.scratch();
        try {
            while (true) {
                s.mem.set(INT, 0, 0);
                int r = (int) Waitpid.HANDLE.invokeExact(s.errno, pid, s.mem.address(), flags);
                if (r < 0) {
                    int errno = Native.errno(s.errno);
                    if (errno == Abi.EINTR) continue;
                    return -errno;
                }
                return r == 0 ? WaitStatus.NOT_YET : s.mem.get(INT, 0);
            }
        } catch (Throwable t) {
            throw Native.bug(t);
        }
    }
}
