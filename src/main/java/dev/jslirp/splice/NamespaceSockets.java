package dev.jslirp.splice;

import dev.jslirp.os.Errno;
import dev.jslirp.os.Namespaces;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;

/**
 * TCP sockets made inside the guest's network namespace, kept ready for the loop to connect.
 *
 * <p>Why a pool with a thread of its own: a socket belongs for good to the network namespace
 * of the thread that creates it. The loop thread stays in the host's namespace (listeners and
 * every NAT socket are made there), so a socket in the guest's needs another thread. Making
 * one per connection would put a thread start ({@code Namespaces.runInNetns}, ~100 µs) or a
 * request and a wake-up of a helper on the accept path; entering the guest's namespace and
 * back on the loop thread would be two setns calls per connection and a loop thread that is
 * sometimes in the wrong namespace. Instead one platform thread enters the guest's namespace
 * once, at start, and keeps {@link #POOL_SIZE} sockets made (with TCP_NODELAY set); the loop
 * takes one per connection, a lock and no syscall, and the thread makes the next. Only a burst
 * larger than the pool waits for the thread, at most {@link #TAKE_WAIT_MS}. pasta does the
 * same (passt: {@code tcp_splice.c}, {@code ns_sock_pool4}, refilled once half is used).
 *
 * <p>The thread holds a reference on the namespace while it lives, as the tap descriptor does;
 * {@link #close} ends it and closes the sockets still in the pool.
 */
public final class NamespaceSockets implements SocketSource {
    static final int POOL_SIZE = 32;
    static final long TAKE_WAIT_MS = 200;

    private final int[] pool = new int[POOL_SIZE];
    private int head, count;
    /** A socket() failure of the thread (-errno), reported to the next take, then retried. */
    private int failure;
    private boolean closed;
    private int enterResult = 1; // 1: not yet known
    private final Thread filler;

    private NamespaceSockets(int netnsFd) {
        filler = Thread.ofPlatform().daemon().name("jslirp-netns-sockets").unstarted(() -> fill(netnsFd));
    }

    /**
     * Starts the thread in the namespace {@code netnsFd} (an open /proc/PID/ns/net or
     * /run/netns/NAME; the caller may close it once this returns) and waits until it is in.
     * @throws IllegalStateException if the thread cannot enter it
     */
    public static NamespaceSockets start(int netnsFd) {
        NamespaceSockets s = new NamespaceSockets(netnsFd);
        s.filler.start();
        int r = s.awaitEntered();
        if (r < 0) {
            s.close();
            throw new IllegalStateException("--splice-forwards: cannot enter the guest's network namespace: "
                    + Errno.strerror(-r) + " (" + Errno.name(-r) + ")");
        }
        return s;
    }

    private synchronized int awaitEntered() {
        boolean interrupted = false;
        while (enterResult == 1) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return enterResult;
    }

    @Override
    public synchronized int take() {
        long deadlineNs = System.nanoTime() + TAKE_WAIT_MS * 1_000_000L;
        while (count == 0 && failure == 0 && !closed) {
            notifyAll(); // the thread may be waiting for a demand after a failure
            long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000L;
            if (leftMs <= 0) return -Errno.EAGAIN;
            try {
                wait(leftMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -Errno.EINTR;
            }
        }
        if (closed) return -Errno.EBADF;
        if (count == 0) {
            int f = failure;
            failure = 0;
            notifyAll();
            return f;
        }
        int fd = pool[head];
        head = (head + 1) % POOL_SIZE;
        count--;
        notifyAll();
        return fd;
    }

    /** Sockets ready now (tests). */
    synchronized int available() { return count; }

    private void fill(int netnsFd) {
        int r = Namespaces.setns(netnsFd, Namespaces.CLONE_NEWNET);
        synchronized (this) {
            enterResult = Math.min(r, 0);
            notifyAll();
        }
        if (r < 0) return;
        while (true) {
            synchronized (this) {
                while (!closed && (count == POOL_SIZE || failure != 0)) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        closed = true; // nobody interrupts this thread but a JVM going away
                    }
                }
                if (closed) return;
            }
            int s = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
            if (s >= 0) Sockets.setsockopt(s, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
            synchronized (this) {
                if (closed) {
                    if (s >= 0) Sys.close(s);
                    return;
                }
                if (s < 0) {
                    failure = s; // EMFILE, ENFILE, ENOBUFS: wait until the loop asks again
                } else {
                    pool[(head + count) % POOL_SIZE] = s;
                    count++;
                }
                notifyAll();
            }
        }
    }

    /** Ends the thread and closes the sockets still pooled. Any thread, idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (; count > 0; count--) {
            Sys.close(pool[head]);
            head = (head + 1) % POOL_SIZE;
        }
        notifyAll();
    }
}
