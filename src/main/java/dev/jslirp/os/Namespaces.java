package dev.jslirp.os;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Linux namespaces: setns(2) and unshare(2).
 *
 * <p>Both act on the calling thread only. A JVM has many threads, so we never switch a
 * thread we don't own: {@link #runInNetns} runs a task on a fresh platform thread that
 * enters the namespace and then dies. Descriptors opened there (a tap, a socket) keep their
 * namespace and work from any thread afterwards.
 *
 * <p>setns into a <em>user</em> namespace (and unshare(CLONE_NEWUSER)) fails with EINVAL in
 * a multithreaded process, i.e. always in a JVM. Rootless operation therefore needs the
 * descriptor handed to us by a single-threaded parent (the slirp4netns model: the caller
 * creates the namespaces and passes a tap fd or a netns path we can enter with the
 * capabilities that user namespace gives us), or a small helper spawned with {@link Spawn}.
 */
public final class Namespaces {
    private Namespaces() {}

    public static final int CLONE_NEWNS = Abi.CLONE_NEWNS, CLONE_NEWUTS = Abi.CLONE_NEWUTS,
            CLONE_NEWIPC = Abi.CLONE_NEWIPC, CLONE_NEWUSER = Abi.CLONE_NEWUSER,
            CLONE_NEWPID = Abi.CLONE_NEWPID, CLONE_NEWNET = Abi.CLONE_NEWNET;

    /** Opens a namespace file (/proc/PID/ns/net, /run/netns/NAME); throws on failure. */
    public static int open(String path) {
        return NativeException.check("open " + path, Sys.open(path, Abi.O_RDONLY | Abi.O_CLOEXEC));
    }

    /** setns(2) for the calling thread; 0 or -errno. */
    public static int setns(int nsFd, int nsType) {
        return (int) Native.syscall(Abi.SYS_SETNS, nsFd, nsType);
    }

    /** unshare(2) for the calling thread; 0 or -errno. */
    public static int unshare(int flags) {
        return (int) Native.syscall(Abi.SYS_UNSHARE, flags);
    }

    /**
     * Runs {@code task} on a new platform thread inside the network namespace {@code nsFd}
     * and returns its result; the caller's thread never changes namespace. A failing setns
     * throws {@link NativeException}; the task's exceptions are rethrown here.
     */
    public static <T> T runInNetns(int nsFd, Supplier<T> task) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("netns-" + nsFd).unstarted(() -> {
            try {
                int r = setns(nsFd, Abi.CLONE_NEWNET);
                if (r < 0) throw new NativeException("setns(CLONE_NEWNET)", -r);
                result.set(task.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
        return result.get();
    }

    /** {@link #runInNetns(int, Supplier)} by path. */
    public static <T> T runInNetns(String nsPath, Supplier<T> task) {
        int fd = open(nsPath);
        try {
            return runInNetns(fd, task);
        } finally {
            Sys.close(fd);
        }
    }
}
