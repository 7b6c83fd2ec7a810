package dev.jslirp.os;

import static dev.jslirp.os.Native.LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Landlock (Documentation/userspace-api/landlock.rst): an unprivileged sandbox we apply to
 * ourselves once start-up has opened everything it needs.
 *
 * <p>The filesystem policy handles every access right the running kernel knows and allows
 * none, so after {@link #apply} no file can be opened, created or executed (descriptors
 * already open keep working). From ABI 4 TCP bind/connect can be limited to given ports.
 * We ask the kernel for its ABI version and use what it has; on a kernel without Landlock
 * we report that instead of failing (like passt's isolation.c, best effort by design).
 *
 * <p>Scope: Landlock restricts the calling thread and threads it creates later. Before
 * ABI 8 (LANDLOCK_RESTRICT_SELF_TSYNC), existing JVM threads (GC, JIT, others) stay
 * unrestricted, so apply it on the event-loop thread, the one that handles guest traffic.
 * PR_SET_NO_NEW_PRIVS, a precondition, is also set on the calling thread.
 *
 * <p>After {@link #apply} the restricted threads cannot load classes they have not loaded
 * yet from a directory class path (that is opening a file). From a jar they can, since the
 * JVM keeps the jar open; still, load what the loop needs before applying.
 */
public final class Landlock {
    private Landlock() {}

    /**
     * What to restrict. Ports lists are the allowed ports when the matching restriction is on.
     * {@code allThreads} asks for TSYNC when the kernel has it.
     */
    public record Policy(boolean filesystem, boolean tcpBind, int[] bindPorts,
                         boolean tcpConnect, int[] connectPorts, boolean allThreads) {
        public Policy {
            bindPorts = bindPorts.clone();
            connectPorts = connectPorts.clone();
        }

        /** No file access, network untouched. */
        public static Policy noFiles() {
            return new Policy(true, false, new int[0], false, new int[0], true);
        }

        public Policy withTcpBind(int... allowedPorts) {
            return new Policy(filesystem, true, allowedPorts, tcpConnect, connectPorts, allThreads);
        }

        public Policy withTcpConnect(int... allowedPorts) {
            return new Policy(filesystem, tcpBind, bindPorts, true, allowedPorts, allThreads);
        }
    }

    /**
     * The outcome. {@code abi} is the kernel's Landlock ABI or -errno if it has none;
     * {@code handledFs}/{@code handledNet} are the rights now denied except where allowed.
     */
    public record Report(int abi, boolean applied, long handledFs, long handledNet,
                         boolean allThreads, String note) {
        @Override
        public String toString() {
            return "landlock abi=" + abi + " applied=" + applied + " fs=0x" + Long.toHexString(handledFs)
                    + " net=0x" + Long.toHexString(handledNet) + " allThreads=" + allThreads + " (" + note + ")";
        }
    }

    /** The kernel's Landlock ABI version (>= 1), or -errno (ENOSYS, EOPNOTSUPP when disabled). */
    public static int abiVersion() {
        return (int) Native.syscall(Abi.SYS_LANDLOCK_CREATE_RULESET, 0, 0, Abi.LANDLOCK_CREATE_RULESET_VERSION);
    }

    /** Filesystem rights known at {@code abi}. */
    static long fsRights(int abi) {
        long fs = Abi.LANDLOCK_ACCESS_FS_ABI1;
        if (abi >= 2) fs |= Abi.LANDLOCK_ACCESS_FS_REFER;
        if (abi >= 3) fs |= Abi.LANDLOCK_ACCESS_FS_TRUNCATE;
        if (abi >= 5) fs |= Abi.LANDLOCK_ACCESS_FS_IOCTL_DEV;
        return fs;
    }

    /** Applies {@code policy} to the calling thread (or process, see the class comment). */
    public static Report apply(Policy policy) {
        int abi = abiVersion();
        if (abi < 0) {
            return new Report(abi, false, 0, 0, false, "Landlock unavailable: " + Errno.name(abi));
        }
        long fs = policy.filesystem() ? fsRights(abi) : 0;
        long net = 0;
        StringBuilder note = new StringBuilder();
        if (abi >= 4) {
            if (policy.tcpBind()) net |= Abi.LANDLOCK_ACCESS_NET_BIND_TCP;
            if (policy.tcpConnect()) net |= Abi.LANDLOCK_ACCESS_NET_CONNECT_TCP;
        } else if (policy.tcpBind() || policy.tcpConnect()) {
            note.append("TCP rules need ABI 4, not applied; ");
        }
        if (fs == 0 && net == 0) return new Report(abi, false, 0, 0, false, note + "nothing to restrict");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(16, 8);
            attr.set(LONG, 0, fs);
            attr.set(LONG, 8, net);
            long size = net != 0 ? Abi.LANDLOCK_RULESET_ATTR_NET_LENGTH : Abi.LANDLOCK_RULESET_ATTR_FS_ONLY_LENGTH;
            int rulesetFd = (int) Native.syscall(Abi.SYS_LANDLOCK_CREATE_RULESET, attr.address(), size, 0);
            if (rulesetFd < 0) {
                return new Report(abi, false, 0, 0, false, note + "create_ruleset: " + Errno.name(rulesetFd));
            }
            try {
                MemorySegment rule = arena.allocate(Abi.LANDLOCK_NET_PORT_ATTR_LENGTH, 8);
                if ((net & Abi.LANDLOCK_ACCESS_NET_BIND_TCP) != 0) {
                    for (int port : policy.bindPorts()) addPortRule(rulesetFd, rule, Abi.LANDLOCK_ACCESS_NET_BIND_TCP, port);
                }
                if ((net & Abi.LANDLOCK_ACCESS_NET_CONNECT_TCP) != 0) {
                    for (int port : policy.connectPorts()) addPortRule(rulesetFd, rule, Abi.LANDLOCK_ACCESS_NET_CONNECT_TCP, port);
                }
                int r = Privileges.setNoNewPrivs();
                if (r < 0) return new Report(abi, false, 0, 0, false, note + "no_new_privs: " + Errno.name(r));
                // Everything returned after restrict_self is built before it: once restricted,
                // a class not loaded yet cannot be read from a directory class path. That
                // includes the downcall holders (Native, "Lazy linking"): link them all now.
                Native.linkAll();
                String ports = net == 0 ? "" : "; tcp bind ports " + Arrays.toString(policy.bindPorts())
                        + " connect ports " + Arrays.toString(policy.connectPorts());
                Report allThreads = new Report(abi, true, fs, net, true, note + "all threads" + ports);
                Report thisThread = new Report(abi, true, fs, net, false,
                        note + "calling thread and its future threads only" + ports);
                boolean tsync = policy.allThreads() && abi >= 8;
                long rr = Native.syscall(Abi.SYS_LANDLOCK_RESTRICT_SELF, rulesetFd,
                        tsync ? Abi.LANDLOCK_RESTRICT_SELF_TSYNC : 0);
                if (rr < 0 && tsync) {
                    tsync = false;
                    rr = Native.syscall(Abi.SYS_LANDLOCK_RESTRICT_SELF, rulesetFd, 0);
                }
                if (rr < 0) return new Report(abi, false, 0, 0, false, note + "restrict_self: " + Errno.name((int) rr));
                return tsync ? allThreads : thisThread;
            } finally {
                Sys.close(rulesetFd);
            }
        }
    }

    private static void addPortRule(int rulesetFd, MemorySegment rule, long access, int port) {
        rule.set(LONG, 0, access);
        rule.set(LONG, 8, port & 0xffffL);
        long r = Native.syscall(Abi.SYS_LANDLOCK_ADD_RULE, rulesetFd, Abi.LANDLOCK_RULE_NET_PORT, rule.address(), 0);
        if (r < 0) throw new NativeException("landlock_add_rule port " + port, (int) -r);
    }
}
