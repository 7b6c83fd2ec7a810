package dev.jslirp.host;

import dev.jslirp.config.HostForward;
import dev.jslirp.os.Epoll;
import dev.jslirp.os.Errno;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import java.util.Arrays;
import java.util.List;

/**
 * The host sockets of the port forwards of one protocol: bound (and listening, for TCP) at
 * start or later through the API, each registered in the event loop under (kind, index).
 * Indexes stay stable while running: a removed forward leaves a closed slot behind.
 */
public final class ForwardListeners {
    private final EventLoop loop;
    private final int socketType;
    private final int kind;
    private int[] fds = new int[0];
    private HostForward[] rules = new HostForward[0];
    /** When a paused listener listens again, or {@link Long#MAX_VALUE} while it is not paused. */
    private long[] pausedUntilNs = new long[0];
    private long nextResumeNs = Long.MAX_VALUE;

    /** @param socketType {@link Sockets#SOCK_STREAM} (listens) or {@link Sockets#SOCK_DGRAM} */
    public ForwardListeners(EventLoop loop, int socketType, int kind) {
        this.loop = loop;
        this.socketType = socketType;
        this.kind = kind;
    }

    /** Binds every rule, in order. @throws IllegalStateException naming the first rule that fails */
    public void addAll(List<HostForward> forwards) {
        for (HostForward rule : forwards) add(rule);
    }

    /** Binds one more forward. @return its index @throws IllegalStateException naming the rule */
    public int add(HostForward rule) {
        int index = fds.length;
        int s = Sockets.socket(Sockets.AF_INET, socketType | Sockets.NONBLOCK_CLOEXEC, 0);
        if (s < 0) throw failed(rule, s);
        Sockets.setsockopt(s, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
        int r = Sockets.bindInet(s, rule.hostAddr(), rule.hostPort());
        if (r >= 0 && socketType == Sockets.SOCK_STREAM) r = Sockets.listen(s, Sockets.SOMAXCONN);
        if (r < 0) {
            Sys.close(s);
            throw failed(rule, r);
        }
        loop.register(s, Epoll.EPOLLIN, kind, index);
        fds = Arrays.copyOf(fds, index + 1);
        rules = Arrays.copyOf(rules, index + 1);
        pausedUntilNs = Arrays.copyOf(pausedUntilNs, index + 1);
        fds[index] = s;
        rules[index] = rule;
        pausedUntilNs[index] = Long.MAX_VALUE;
        return index;
    }

    /** Closes a forward's socket. @return false if there was no such open forward */
    public boolean remove(int index) {
        if (!isOpen(index)) return false;
        if (pausedUntilNs[index] == Long.MAX_VALUE) loop.unregister(fds[index]);
        pausedUntilNs[index] = Long.MAX_VALUE;
        Sys.close(fds[index]);
        fds[index] = -1;
        return true;
    }

    public boolean isOpen(int index) { return index >= 0 && index < fds.length && fds[index] >= 0; }

    public int fd(int index) { return fds[index]; }

    public HostForward rule(int index) { return rules[index]; }

    /** The host port a forward is bound to (useful when its rule asked for port 0). */
    public int boundPort(int index) { return Sockets.localPort(fds[index]); }

    /**
     * Stops reading a listener until {@code untilNs}: when accept fails for want of descriptors
     * (EMFILE, ENFILE, ENOBUFS), the connection stays queued and the listener stays readable,
     * so the loop would spin on it at full CPU; waiting a little lets flows close first.
     */
    public void pause(int index, long untilNs) {
        if (!isOpen(index) || pausedUntilNs[index] != Long.MAX_VALUE) return;
        loop.unregister(fds[index]);
        pausedUntilNs[index] = untilNs;
        nextResumeNs = Math.min(nextResumeNs, untilNs);
    }

    public boolean isPaused(int index) { return isOpen(index) && pausedUntilNs[index] != Long.MAX_VALUE; }

    /** When the next paused listener is due to listen again, or {@link Long#MAX_VALUE}. */
    public long nextResumeNs() { return nextResumeNs; }

    /** Listens again on every paused listener whose pause is over. */
    public void resumeDue(long nowNs) {
        if (nextResumeNs > nowNs) return;
        long next = Long.MAX_VALUE;
        for (int i = 0; i < fds.length; i++) {
            if (pausedUntilNs[i] == Long.MAX_VALUE) continue;
            if (pausedUntilNs[i] <= nowNs) {
                pausedUntilNs[i] = Long.MAX_VALUE;
                loop.register(fds[i], Epoll.EPOLLIN, kind, i);
            } else {
                next = Math.min(next, pausedUntilNs[i]);
            }
        }
        nextResumeNs = next;
    }

    public void closeAll() {
        for (int i = 0; i < fds.length; i++) remove(i);
    }

    private static IllegalStateException failed(HostForward rule, int negativeErrno) {
        return new IllegalStateException("Unable to add hostfwd rule '" + rule + "': " + Errno.strerror(-negativeErrno));
    }
}
