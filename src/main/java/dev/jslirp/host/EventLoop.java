package dev.jslirp.host;

import dev.jslirp.os.Epoll;
import dev.jslirp.os.EpollEvents;
import dev.jslirp.os.Errno;
import dev.jslirp.os.NativeException;
import dev.jslirp.os.Sys;
import dev.jslirp.time.NanoClock;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The one loop that runs jslirp (passt: {@code passt.c} main loop). Every descriptor, the
 * guest link included, is in one epoll set; its 64-bit data names the kind of descriptor
 * and an {@code int} index (a flow, a listener), so dispatch is a switch and an array
 * read, never a map lookup or an allocation.
 *
 * <p>Time: the loop reads the clock twice per turn and passes {@code nowNs} to everything.
 * After the ready descriptors are served, each {@link Timed} component whose deadline has
 * come is run, then each {@link #afterTurn} task (batched flushes).
 *
 * <p>An exception from one handler is caught, logged and counted; the loop goes on (Aeron
 * does the same in {@code poll()}): one misbehaving flow must not stop the others. The
 * handler is expected to have closed the flow it was serving.
 */
public final class EventLoop implements AutoCloseable {
    private static final Logger LOG = System.getLogger("jslirp.loop");
    /** Longest sleep when nothing is due: a bound, so a bug in a deadline cannot hang us forever. */
    private static final long MAX_WAIT_MS = 1000;
    private static final int MAX_KINDS = 16;

    /** Serves readiness of one kind of descriptor. */
    @FunctionalInterface
    public interface Handler {
        void onReady(int index, int events, long nowNs);
    }

    /** A component with timers. */
    public interface Timed {
        /** The earliest time it wants {@link #onTimer}, or {@link Long#MAX_VALUE}. */
        long nextDeadlineNs();

        void onTimer(long nowNs);
    }

    private final int epfd;
    private final EpollEvents events = new EpollEvents(256);
    private final Handler[] handlers = new Handler[MAX_KINDS];
    private final NanoClock clock;
    private Timed[] timed = new Timed[0];
    private Runnable[] afterTurn = new Runnable[0];
    private volatile boolean running = true;
    private final int wakeFd;
    public long handlerFailures;

    public EventLoop(NanoClock clock) {
        this.clock = clock;
        this.epfd = NativeException.check("epoll_create1", Epoll.create());
        this.wakeFd = NativeException.check("eventfd", Sys.eventfd(0, Sys.EFD_NONBLOCK | Sys.EFD_CLOEXEC));
        NativeException.check("epoll_ctl", Epoll.add(epfd, wakeFd, Epoll.EPOLLIN, -1L));
    }

    public NanoClock clock() { return clock; }

    /** Sets the handler of a kind of descriptor (0..15). */
    public void handler(int kind, Handler handler) { handlers[kind] = handler; }

    public void addTimed(Timed t) {
        Timed[] next = java.util.Arrays.copyOf(timed, timed.length + 1);
        next[timed.length] = t;
        timed = next;
    }

    public void addAfterTurn(Runnable r) {
        Runnable[] next = java.util.Arrays.copyOf(afterTurn, afterTurn.length + 1);
        next[afterTurn.length] = r;
        afterTurn = next;
    }

    /** @return 0 or -errno */
    public int register(int fd, int interest, int kind, int index) {
        return Epoll.add(epfd, fd, interest, data(kind, index));
    }

    /** @return 0 or -errno */
    public int modify(int fd, int interest, int kind, int index) {
        return Epoll.modify(epfd, fd, interest, data(kind, index));
    }

    /** @return 0 or -errno */
    public int unregister(int fd) { return Epoll.delete(epfd, fd); }

    /** Ends {@link #run} after the current turn; safe from any thread. */
    public void stop() {
        running = false;
        wake();
    }

    /** Wakes the loop from another thread (a worker finished, a signal arrived). */
    public void wake() {
        java.nio.ByteBuffer one = WAKE_VALUE.get();
        Sys.write(wakeFd, one, 0, 8);
    }

    private static final ThreadLocal<java.nio.ByteBuffer> WAKE_VALUE = ThreadLocal.withInitial(() -> {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.nativeOrder());
        b.putLong(0, 1L);
        return b;
    });

    private final java.nio.ByteBuffer drain = java.nio.ByteBuffer.allocateDirect(8);

    /** Runs until {@link #stop}. */
    public void run() {
        while (running) {
            turn();
        }
    }

    /** One turn: wait for readiness or the next deadline, serve, run timers and flushes. */
    public void turn() { turn(true); }

    /** One turn that serves what is ready now and runs due timers without waiting (tests, fuzzing). */
    public void poll() { turn(false); }

    private void turn(boolean wait) {
        long nowNs = clock.nanoTime();
        int timeoutMs = wait ? timeoutMs(nowNs) : 0;
        int n = Epoll.wait(epfd, events, timeoutMs);
        nowNs = clock.nanoTime();
        if (n < 0 && n != -Errno.EINTR) {
            throw new NativeException("epoll_wait", -n);
        }
        for (int i = 0; i < n; i++) {
            long data = events.data(i);
            if (data == -1L) {
                Sys.read(wakeFd, drain, 0, 8);
                continue;
            }
            int kind = (int) (data >>> 32);
            int index = (int) data;
            try {
                handlers[kind].onReady(index, events.events(i), nowNs);
            } catch (RuntimeException | AssertionError e) {
                handlerFailures++;
                LOG.log(Level.ERROR, "handler of kind " + kind + " failed for index " + index, e);
            }
        }
        for (Timed t : timed) {
            if (t.nextDeadlineNs() <= nowNs) {
                try {
                    t.onTimer(nowNs);
                } catch (RuntimeException | AssertionError e) {
                    handlerFailures++;
                    LOG.log(Level.ERROR, "timer of " + t + " failed", e);
                }
            }
        }
        for (Runnable r : afterTurn) r.run();
    }

    private int timeoutMs(long nowNs) {
        long earliest = Long.MAX_VALUE;
        for (Timed t : timed) earliest = Math.min(earliest, t.nextDeadlineNs());
        if (earliest == Long.MAX_VALUE) return (int) MAX_WAIT_MS;
        long waitNs = earliest - nowNs;
        if (waitNs <= 0) return 0;
        // Round up: waking a little late is fine, waking early just spins one more turn.
        return (int) Math.min(MAX_WAIT_MS, (waitNs + 999_999) / 1_000_000);
    }

    private static long data(int kind, int index) { return ((long) kind << 32) | (index & 0xFFFF_FFFFL); }

    @Override
    public void close() {
        Sys.close(wakeFd);
        Sys.close(epfd);
    }
}
