package dev.jslirp.splice;

import dev.jslirp.flow.FlowObserver;
import dev.jslirp.flow.FlowVisitor;
import dev.jslirp.flow.IndexPool;
import dev.jslirp.host.EventLoop;
import dev.jslirp.host.Kinds;
import dev.jslirp.host.RateLimitedLog;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import dev.jslirp.tcp.ForwardHandoff;
import dev.jslirp.time.DeadlineQueue;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import java.lang.System.Logger;

/**
 * {@code --splice-forwards}: TCP forwards whose client is on the host's loopback are spliced
 * into the guest's network namespace instead of crossing the tap. Takes those connections
 * from {@code TcpNat}'s listeners ({@link ForwardHandoff}), connects a socket made in the
 * namespace ({@link SocketSource}) to the forward's guest address and port there, and lets a
 * {@link SplicedConnection} move the bytes with splice(2). Connections from other addresses
 * are declined and take the tap path as before.
 *
 * <p>What changes for the guest: its server sees the connection come from its own address
 * (the namespace socket's, e.g. 10.0.2.100:ephemeral), not from the gateway 10.0.2.2, and the
 * bytes never pass through jslirp's TCP engine, the tap or its checksums.
 *
 * <p>Caps: at most {@code maxConnections} at once (Limits.maxSplicedFlows, {@code
 * --max-spliced}), a cap of its own rather than a share of --max-tcp-flows because a spliced
 * connection holds six descriptors (two sockets, two pipes of two ends each) where a tap
 * flow holds one. A connection over the cap, or one for which no socket or pipe can be made,
 * is reset at once and logged, rate-limited, like the other caps. A connect that has not
 * completed within the TCP connect timeout (a guest firewall dropping the SYN, a full accept
 * queue) is given up and the client reset.
 *
 * <p>Loop thread only, except {@link SocketSource#take}'s own synchronisation.
 */
public final class SplicedForwards implements ForwardHandoff, EventLoop.Handler, EventLoop.Timed {
    private static final Logger LOG = System.getLogger("jslirp.splice");
    /**
     * Pipe capacity asked for each direction. Larger pipes mean fewer wake-ups and splice
     * calls per byte for a bulk transfer (measured in docs/benchmarks.md); the memory is
     * only used while bytes wait in the pipe. 1 MiB is /proc/sys/fs/pipe-max-size's default,
     * so it is granted without CAP_SYS_RESOURCE; a refused size keeps the kernel's 64 KiB.
     */
    public static final int PIPE_BYTES = 1 << 20;

    private final EventLoop loop;
    private final SocketSource sockets;
    private final int pipeBytes;
    private final long connectTimeoutNs;
    private final IndexPool pool;
    private final SplicedConnection[] connections;
    private final DeadlineQueue connectDeadlines;
    private final RateLimitedLog capLog = new RateLimitedLog(LOG, 10_000_000_000L);
    private FlowObserver observer = FlowObserver.NONE;
    /** Totals: accepted and spliced; connects the guest refused or that failed or timed out; reset at once (cap, no descriptor); reset while open. */
    public long opened, connectFailures, refusedByCap, resets;

    public SplicedForwards(EventLoop loop, SocketSource sockets, int maxConnections, long connectTimeoutNs, int pipeBytes) {
        if (maxConnections < 1 || maxConnections > SplicedConnection.MAX_SLOTS) {
            throw new IllegalArgumentException("maxConnections out of range: " + maxConnections);
        }
        this.loop = loop;
        this.sockets = sockets;
        this.pipeBytes = pipeBytes;
        this.connectTimeoutNs = connectTimeoutNs;
        pool = new IndexPool(maxConnections);
        connections = new SplicedConnection[maxConnections];
        connectDeadlines = new DeadlineQueue(maxConnections);
        loop.handler(Kinds.SPLICE, this);
    }

    /** Told of every spliced connection opened and closed (audit log). */
    public void observer(FlowObserver o) { observer = o; }

    public int activeConnections() { return pool.inUseCount(); }

    @Override
    public boolean take(int fd, int hostPeerAddr, int hostPeerPort, int guestAddr, int guestPort, long nowNs) {
        // Only the host's own clients: one from another machine keeps the tap path, where the
        // guest sees it come from the gateway as without the option.
        if (!Ipv4Address.isLoopback(hostPeerAddr)) return false;
        int slot = pool.acquire();
        if (slot < 0) {
            refusedByCap++;
            capLog.warn(nowNs, "TCP: spliced forward cap reached (--max-spliced); forwarded connections reset");
            reset(fd);
            return true;
        }
        int namespaceFd = sockets.take();
        if (namespaceFd < 0) {
            pool.release(slot);
            refusedByCap++;
            capLog.warn(nowNs, "TCP: no socket in the guest's namespace (descriptor limit?); forwarded connections reset");
            reset(fd);
            return true;
        }
        SplicedConnection c = connections[slot];
        if (c == null) c = connections[slot] = new SplicedConnection(loop, slot);
        int r = c.start(fd, namespaceFd, hostPeerAddr, hostPeerPort, guestAddr, guestPort, pipeBytes, nowNs);
        if (r == SplicedConnection.NO_RESOURCES) {
            pool.release(slot);
            refusedByCap++;
            capLog.warn(nowNs, "TCP: no pipe for a spliced connection (descriptor limit?); forwarded connections reset");
            return true;
        }
        opened++;
        observer.openedSpliced(c.guestAddr(), c.guestPort(), c.namespaceAddr(), c.namespacePort(), nowNs);
        if (r == SplicedConnection.OPEN) {
            if (c.state() == SplicedConnection.State.CONNECTING) connectDeadlines.schedule(slot, nowNs + connectTimeoutNs);
        } else {
            ended(slot, r, nowNs);
        }
        return true;
    }

    @Override
    public void onReady(int token, int events, long nowNs) {
        int slot = SplicedConnection.slotOf(token);
        if (slot >= connections.length) return;
        SplicedConnection c = connections[slot];
        if (c == null || !c.isCurrent(token)) return; // queued for the slot's previous connection
        int r = c.onReady(SplicedConnection.sideOf(token), events);
        if (r != SplicedConnection.OPEN) {
            ended(slot, r, nowNs);
        } else if (c.state() == SplicedConnection.State.SPLICING) {
            connectDeadlines.remove(slot);
        }
    }

    @Override
    public long nextDeadlineNs() { return connectDeadlines.earliestNs(); }

    /** Gives up the connects that are due. */
    @Override
    public void onTimer(long nowNs) {
        while (connectDeadlines.earliestNs() <= nowNs) {
            int slot = connectDeadlines.earliestSlot();
            ended(slot, connections[slot].onConnectTimeout(), nowNs);
        }
    }

    private void ended(int slot, int how, long nowNs) {
        SplicedConnection c = connections[slot];
        switch (how) {
            case SplicedConnection.CONNECT_FAILED -> connectFailures++;
            case SplicedConnection.RESET -> resets++;
            default -> { } // ENDED, or aborted by us
        }
        connectDeadlines.remove(slot);
        observer.closed(Ipv4Packet.PROTOCOL_TCP, c.guestAddr(), c.guestPort(), c.namespaceAddr(), c.namespacePort(),
                c.bytesFromGuest(), c.bytesToGuest(), nowNs);
        pool.release(slot);
    }

    /** Visits every open spliced connection (flow table API): state "CONNECTING" or "SPLICED". */
    public void forEachFlow(FlowVisitor visitor) {
        for (int slot = 0; slot < connections.length; slot++) {
            SplicedConnection c = connections[slot];
            if (c == null || !pool.inUse(slot)) continue;
            visitor.flow(Ipv4Packet.PROTOCOL_TCP, c.guestAddr(), c.guestPort(), c.namespaceAddr(), c.namespacePort(),
                    c.hostPeerAddr(), c.hostPeerPort(), true,
                    c.state() == SplicedConnection.State.CONNECTING ? "CONNECTING" : "SPLICED",
                    c.bytesFromGuest(), c.bytesToGuest(), c.openedNs());
        }
    }

    /** Resets every connection, both sides (shutdown): a FIN would tell a peer the stream ended whole. */
    public void abortAll(long nowNs) {
        for (int slot = 0; slot < connections.length; slot++) {
            if (!pool.inUse(slot)) continue;
            connections[slot].abort();
            ended(slot, SplicedConnection.ENDED, nowNs); // not counted as a reset: we cut it
        }
    }

    /** Stops making namespace sockets; call after {@link #abortAll}. */
    public void close() { sockets.close(); }

    /** The connection in {@code slot}, for tests. */
    SplicedConnection connection(int slot) { return connections[slot]; }

    private static void reset(int fd) {
        Sockets.setLinger(fd, true, 0);
        Sys.close(fd);
    }
}
