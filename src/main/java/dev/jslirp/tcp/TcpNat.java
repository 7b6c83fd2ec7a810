package dev.jslirp.tcp;

import dev.jslirp.config.Config;
import dev.jslirp.config.HostForward;
import dev.jslirp.flow.FlowKeyTable;
import dev.jslirp.flow.FlowObserver;
import dev.jslirp.flow.FlowVisitor;
import dev.jslirp.flow.Forwarding;
import dev.jslirp.flow.InboundPorts;
import dev.jslirp.flow.IndexPool;
import dev.jslirp.host.EventLoop;
import dev.jslirp.host.ForwardListeners;
import dev.jslirp.host.HostTcpSocket;
import dev.jslirp.host.Kinds;
import dev.jslirp.host.RateLimitedLog;
import dev.jslirp.iface.Counters;
import dev.jslirp.iface.GuestFrameWriter;
import dev.jslirp.iface.GuestIpHandler;
import dev.jslirp.os.Epoll;
import dev.jslirp.os.Errno;
import dev.jslirp.os.InetSockAddr;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import dev.jslirp.time.DeadlineQueue;
import dev.jslirp.wire.Icmpv4Packet;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.TcpOptions;
import dev.jslirp.wire.TcpSegment;
import java.lang.System.Logger;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * TCP NAT: owns the TCP flows, their host sockets and the port-forward listeners, and
 * drives one {@link TcpConnection} per flow.
 *
 * <p>Guest opens: on a SYN to a new destination, {@link Forwarding} picks the target, a
 * non-blocking connect starts, and the connection holds the SYN; SYN-ACK goes out when the
 * host connect succeeds, RST when it is refused, ICMP host-unreachable when it cannot be
 * reached or times out (STYLE.md §6; gvisor-tap-vsock and passt do the same). Half-open
 * handshakes are capped, so a SYN flood cannot use up descriptors.
 *
 * <p>Host opens (port forward): an accepted connection becomes a flow whose guest-visible
 * peer is the gateway address, and the connection opens towards the guest.
 */
public final class TcpNat implements GuestIpHandler, EventLoop.Handler, EventLoop.Timed {
    private static final Logger LOG = System.getLogger("jslirp.tcp");
    private static final int ACCEPT_BATCH = 16;
    /** How long a forward stops accepting after accept() found no descriptor for the connection. */
    static final long ACCEPT_PAUSE_NS = 100_000_000L;

    private final Config config;
    private final Forwarding forwarding;
    private final EventLoop loop;
    private final GuestFrameWriter writer;
    private final Counters counters;
    private final TcpConfig tcpConfig;
    private final long connectTimeoutNs;
    private final FlowKeyTable table;
    private final IndexPool pool;
    private final TcpConnection[] connections;
    /** The connection object a freed flow used, kept for the next flow in its slot (see TcpConnection.reopen). */
    private final TcpConnection[] retired;
    private final HostTcpSocket[] sockets;
    private final int[] guestAddr, guestPort, peerAddr, peerPort;
    private final long[] connectDeadlineNs;
    private final long[] openedNs;
    private final boolean[] inbound;
    private FlowObserver observer = FlowObserver.NONE;
    /** Offered every connection a forward accepts before the TCP engine opens it (spliced forwards); null: none. */
    private ForwardHandoff handoff;
    private int outboundAddr;
    private final ByteBuffer scratch;
    private final TcpSegment seg = new TcpSegment();
    private final TcpOptions options = new TcpOptions();
    private final InetSockAddr acceptedPeer = new InetSockAddr();
    private final SplittableRandom issRandom = new SplittableRandom();
    private final BufferBudget budget;
    private final RateLimitedLog capLog = new RateLimitedLog(LOG, 10_000_000_000L);
    private final ForwardListeners listeners;
    private final InboundPorts inboundPorts = new InboundPorts();
    /** Each flow's next deadline (its connection's timers, or its host connect's timeout). */
    private final DeadlineQueue deadlines;
    /** Where the search for a TIME-WAIT flow to reclaim goes on from. */
    private int reclaimCursor;
    private int halfOpen;
    public long flowsOpened, flowsRefusedByCap, resetsForUnknownFlows, connectTimeouts, timeWaitReclaimed, acceptPauses;

    public TcpNat(Config config, Forwarding forwarding, EventLoop loop, GuestFrameWriter writer, Counters counters) {
        this.config = config;
        this.forwarding = forwarding;
        this.loop = loop;
        this.writer = writer;
        this.counters = counters;
        int buffer = config.limits().tcpBufferBytes();
        this.tcpConfig = TcpConfig.DEFAULT.withLinkMtu(writer.mtu()).withBuffers(buffer, buffer)
                .withKeepaliveIdle(config.limits().tcpKeepaliveIdleMs() * 1_000_000L);
        this.connectTimeoutNs = config.limits().tcpConnectTimeoutMs() * 1_000_000L;
        this.budget = new BufferBudget(config.limits().totalBufferBytes());
        int max = config.limits().maxTcpFlows();
        table = new FlowKeyTable(max);
        pool = new IndexPool(max);
        connections = new TcpConnection[max];
        retired = new TcpConnection[max];
        sockets = new HostTcpSocket[max];
        guestAddr = new int[max];
        guestPort = new int[max];
        peerAddr = new int[max];
        peerPort = new int[max];
        connectDeadlineNs = new long[max];
        openedNs = new long[max];
        inbound = new boolean[max];
        deadlines = new DeadlineQueue(max);
        scratch = ByteBuffer.allocateDirect(Math.max(65536, tcpConfig.mss()));
        loop.handler(Kinds.TCP_SOCKET, this);
        loop.handler(Kinds.TCP_LISTENER, this::onListenerReady);
        listeners = new ForwardListeners(loop, Sockets.SOCK_STREAM, Kinds.TCP_LISTENER);
    }

    public TcpConfig tcpConfig() { return tcpConfig; }

    public int activeFlows() { return pool.inUseCount(); }

    /** Handshakes whose host connect is still in progress. */
    public int halfOpenFlows() { return halfOpen; }

    /** The buffer memory shared by every flow. */
    public BufferBudget budget() { return budget; }

    /** Binds and listens on one host socket per TCP forward. @throws IllegalStateException naming the rule that failed */
    public void bindForwards() {
        listeners.addAll(config.forwards().stream().filter(f -> f.protocol() == HostForward.Protocol.TCP).toList());
    }


    /**
     * Adds a forward while running (the API's add_hostfwd): binds and listens at once.
     * @return its listener index, for {@link #removeForward} and {@link #boundPort}
     * @throws IllegalStateException naming the rule when the port cannot be bound
     */
    public int addForward(HostForward rule) {
        return listeners.add(rule);
    }

    /** Closes a forward's listener; connections it already accepted go on. @return false if there was none */
    public boolean removeForward(int index) {
        if (!listeners.isOpen(index)) return false;
        return listeners.remove(index);
    }

    /** Told of every flow opened, refused and closed (audit log); {@link FlowObserver#NONE} by default. */
    public void observer(FlowObserver o) { observer = o; }

    /** Offers connections accepted on forwards to {@code h} first (see {@link ForwardHandoff}); null: no one. */
    public void handoff(ForwardHandoff h) { handoff = h; }

    /** Binds outbound host sockets to this address first (slirp4netns --outbound-addr); 0 = the kernel chooses. */
    public void outboundAddr(int addr) { outboundAddr = addr; }

    /** Visits every live flow (flow table API). */
    public void forEachFlow(FlowVisitor visitor) {
        InetSockAddr host = new InetSockAddr();
        for (int flow = 0; flow < pool.capacity(); flow++) {
            if (!pool.inUse(flow) || connections[flow] == null) continue;
            TcpConnection c = connections[flow];
            int hAddr = 0, hPort = 0;
            if (Sockets.getpeername(sockets[flow].fd(), host) >= 0) {
                hAddr = host.addr();
                hPort = host.port();
            }
            visitor.flow(Ipv4Packet.PROTOCOL_TCP, guestAddr[flow], guestPort[flow], peerAddr[flow], peerPort[flow], hAddr, hPort,
                    inbound[flow], connectDeadlineNs[flow] != Long.MAX_VALUE ? "CONNECTING" : c.state().name(),
                    c.bytesFromGuest(), c.bytesToGuest(), openedNs[flow]);
        }
    }

    /** The host port a TCP forward listens on (useful when the rule asked for port 0). */
    public int boundPort(int forwardIndex) { return listeners.boundPort(forwardIndex); }

    // ------------------------------------------------------------------ guest side

    @Override
    public void onGuestPacket(Ipv4Packet ip, long nowNs) {
        seg.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        if (!seg.checkLength()) {
            counters.dropTcpMalformed++;
            return;
        }
        // The interface verified the checksum (or the link vouched for it).
        if (!options.parse(seg)) {
            counters.dropTcpMalformed++;
            return;
        }
        int src = ip.src(), dst = ip.dst();
        if (src == 0) {
            counters.dropIpSourceInvalid++;
            return;
        }
        int flow = table.get(Ipv4Packet.PROTOCOL_TCP, src, seg.srcPort(), dst, seg.dstPort());
        if (flow >= 0 && seg.syn() && !seg.ack() && connections[flow].state() == TcpState.TIME_WAIT) {
            // RFC 1122 §4.2.2.13 / RFC 6191: a new SYN may reopen a connection in TIME-WAIT. The
            // guest reuses ports at once after a close the host started (its side has no
            // TIME-WAIT), so this is the common case for short connections, not a corner.
            free(flow);
            flow = -1;
        }
        if (flow >= 0) {
            connections[flow].onGuestSegment(seg, options, nowNs);
            afterEvent(flow, nowNs);
            return;
        }
        if (seg.rst()) return; // RFC 9293 §3.10.7.1: a RST to nothing is dropped
        if (!seg.syn() || seg.ack()) {
            counters.dropTcpNoFlow++;
            resetsForUnknownFlows++;
            sendResetFor(ip);
            return;
        }
        openFromGuest(ip, nowNs);
    }

    private void openFromGuest(Ipv4Packet ip, long nowNs) {
        long target = forwarding.target(Ipv4Packet.PROTOCOL_TCP, ip.dst(), seg.dstPort(), nowNs);
        if (Forwarding.denied(target)) {
            counters.dropTcpDenied++;
            observer.denied(Ipv4Packet.PROTOCOL_TCP, ip.src(), seg.srcPort(), ip.dst(), seg.dstPort(),
                    target == Forwarding.DENIED ? FlowObserver.DENIED_BY_MODE : FlowObserver.DENIED_BY_POLICY, nowNs);
            sendResetFor(ip);
            return;
        }
        if (halfOpen >= config.limits().maxHalfOpenTcp()) {
            flowsRefusedByCap++;
            capLog.warn(nowNs, "TCP: half-open handshake cap reached; guest SYNs answered with RST");
            sendResetFor(ip);
            return;
        }
        int flow = acquireFlow();
        if (flow < 0) {
            flowsRefusedByCap++;
            capLog.warn(nowNs, "TCP: flow cap reached; guest SYNs answered with RST");
            sendResetFor(ip);
            return;
        }
        int s = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
        if (s < 0) {
            pool.release(flow);
            flowsRefusedByCap++;
            capLog.warn(nowNs, "TCP: no host socket (descriptor limit?); guest SYNs answered with RST");
            sendResetFor(ip);
            return;
        }
        Sockets.setsockopt(s, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
        if (outboundAddr != 0 && !dev.jslirp.wire.Ipv4Address.isLoopback(Forwarding.addrOf(target))) {
            Sockets.bindInet(s, outboundAddr, 0); // on failure connect picks the address, as without the option
        }
        TcpConnection c = newConnection(flow, s, ip.src(), seg.srcPort(), ip.dst(), seg.dstPort());
        c.acceptGuestSyn(seg, options, issRandom.nextInt());
        flowsOpened++;
        openedNs[flow] = nowNs;
        observer.opened(Ipv4Packet.PROTOCOL_TCP, ip.src(), seg.srcPort(), ip.dst(), seg.dstPort(), false, nowNs);
        int targetAddr = Forwarding.addrOf(target);
        int r = Sockets.connectInet(s, targetAddr, Forwarding.portOf(target));
        if (r == -Errno.EINPROGRESS && dev.jslirp.wire.Ipv4Address.isLoopback(targetAddr)
                && Sys.poll(s, Sys.POLLOUT, 0) > 0) {
            // A loopback handshake completes inside connect(), which still says EINPROGRESS:
            // take the result now instead of a turn of the loop for EPOLLOUT (one epoll_wait
            // and epoll_ctl fewer per short connection to a host service).
            int error = Sockets.soError(s);
            r = error == 0 ? 0 : -Math.abs(error);
        }
        if (r == 0) {
            c.onHostConnected(nowNs);
        } else if (r == -Errno.EINPROGRESS) {
            halfOpen++;
            connectDeadlineNs[flow] = nowNs + connectTimeoutNs;
            loop.register(s, Epoll.EPOLLOUT, Kinds.TCP_SOCKET, sockets[flow].token());
            deadlines.schedule(flow, Math.min(c.nextDeadlineNs(), connectDeadlineNs[flow]));
            return;
        } else {
            connectFailed(flow, -r, nowNs);
        }
        afterEvent(flow, nowNs);
    }

    private TcpConnection newConnection(int flow, int fd, int gAddr, int gPort, int pAddr, int pPort) {
        if (sockets[flow] == null) sockets[flow] = new HostTcpSocket(loop, Kinds.TCP_SOCKET, flow);
        sockets[flow].attach(fd);
        guestAddr[flow] = gAddr;
        guestPort[flow] = gPort;
        peerAddr[flow] = pAddr;
        peerPort[flow] = pPort;
        connectDeadlineNs[flow] = Long.MAX_VALUE;
        inbound[flow] = false;
        table.put(Ipv4Packet.PROTOCOL_TCP, gAddr, gPort, pAddr, pPort, flow);
        TcpConnection c = retired[flow];
        if (c != null) {
            retired[flow] = null;
            c.reopen(gAddr, gPort, pAddr, pPort);
        } else {
            c = new TcpConnection(tcpConfig, writer, sockets[flow], scratch, gAddr, gPort, pAddr, pPort, budget);
        }
        connections[flow] = c;
        return c;
    }

    /** RFC 9293 §3.10.7.1: the reset for a segment that belongs to no connection. */
    private void sendResetFor(Ipv4Packet ip) {
        if (seg.ack()) {
            writer.sendSegment(ip.src(), seg.srcPort(), ip.dst(), seg.dstPort(), seg.ackNumber(), 0, TcpSegment.RST, 0,
                    -1, -1, false, null, 0, 0);
        } else {
            writer.sendSegment(ip.src(), seg.srcPort(), ip.dst(), seg.dstPort(), 0, seg.seq() + seg.segmentLength(),
                    TcpSegment.RST | TcpSegment.ACK, 0, -1, -1, false, null, 0, 0);
        }
    }

    // ------------------------------------------------------------------ host side

    @Override
    public void onReady(int token, int events, long nowNs) {
        int flow = HostTcpSocket.slotOf(token);
        TcpConnection c = connections[flow];
        if (c == null || !pool.inUse(flow) || !sockets[flow].isCurrent(token)) return; // a closed socket's event
        if (connectDeadlineNs[flow] != Long.MAX_VALUE) {
            onConnectDone(flow, nowNs);
        } else {
            if ((events & (Epoll.EPOLLIN | Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) c.onHostReadable(nowNs);
            if ((events & (Epoll.EPOLLOUT | Epoll.EPOLLERR)) != 0) c.onHostWritable(nowNs);
        }
        afterEvent(flow, nowNs);
    }

    private void onConnectDone(int flow, long nowNs) {
        HostTcpSocket socket = sockets[flow];
        connectDeadlineNs[flow] = Long.MAX_VALUE;
        halfOpen--;
        loop.unregister(socket.fd()); // the engine registers the interest it wants from here on
        int error = Sockets.soError(socket.fd());
        if (error == 0) {
            connections[flow].onHostConnected(nowNs);
        } else {
            connectFailed(flow, Math.abs(error), nowNs);
        }
    }

    private void connectFailed(int flow, int errno, long nowNs) {
        if (!connections[flow].onHostConnectFailed(errno, nowNs)) {
            // Unreachable or timed out: tell the guest as a router would (RFC 1122 §3.2.2.1).
            sendUnreachable(flow, errno == Errno.ENETUNREACH ? Icmpv4Packet.CODE_NET_UNREACHABLE : Icmpv4Packet.CODE_HOST_UNREACHABLE);
        }
    }

    private void sendUnreachable(int flow, int code) {
        // The guest's SYN is what failed: quote its sequence number.
        writer.sendIcmpErrorAboutFlow(Icmpv4Packet.TYPE_DEST_UNREACHABLE, code, Ipv4Packet.PROTOCOL_TCP,
                guestAddr[flow], guestPort[flow], peerAddr[flow], peerPort[flow], connections[flow].guestIsn());
    }

    private void onListenerReady(int index, int events, long nowNs) {
        HostForward rule = listeners.rule(index);
        for (int i = 0; i < ACCEPT_BATCH; i++) {
            int s = Sockets.accept4(listeners.fd(index), acceptedPeer, Sockets.NONBLOCK_CLOEXEC);
            if (s < 0) {
                if (s == -Errno.EMFILE || s == -Errno.ENFILE || s == -Errno.ENOBUFS || s == -Errno.ENOMEM) {
                    listeners.pause(index, nowNs + ACCEPT_PAUSE_NS);
                    acceptPauses++;
                    capLog.warn(nowNs, "TCP: cannot accept forwarded connections (" + Errno.strerror(-s)
                            + "); the forward pauses " + ACCEPT_PAUSE_NS / 1_000_000 + " ms at a time");
                }
                return;
            }
            int gAddr = config.guestAddrOf(rule);
            if (handoff != null && handoff.take(s, acceptedPeer.addr(), acceptedPeer.port(), gAddr, rule.guestPort(), nowNs)) {
                continue;
            }
            int flow = acquireFlow();
            int pPort = flow < 0 ? -1 : inboundPorts.choose(table, Ipv4Packet.PROTOCOL_TCP, gAddr, rule.guestPort(), config.gateway(), acceptedPeer.port());
            if (pPort < 0) {
                if (flow >= 0) pool.release(flow);
                flowsRefusedByCap++;
                capLog.warn(nowNs, "TCP: flow cap reached; forwarded connections reset");
                Sockets.setLinger(s, true, 0);
                Sys.close(s);
                continue;
            }
            Sockets.setsockopt(s, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
            TcpConnection c = newConnection(flow, s, gAddr, rule.guestPort(), config.gateway(), pPort);
            flowsOpened++;
            openedNs[flow] = nowNs;
            inbound[flow] = true;
            observer.opened(Ipv4Packet.PROTOCOL_TCP, gAddr, rule.guestPort(), config.gateway(), pPort, true, nowNs);
            c.openToGuest(issRandom.nextInt(), nowNs);
            afterEvent(flow, nowNs);
        }
    }


    // ------------------------------------------------------------------ timers and freeing

    /** After anything that may have changed a flow's timers: free it if it closed, else file its next deadline. */
    private void afterEvent(int flow, long nowNs) {
        TcpConnection c = connections[flow];
        if (c.isClosed()) {
            free(flow);
            return;
        }
        deadlines.schedule(flow, Math.min(c.nextDeadlineNs(), connectDeadlineNs[flow]));
    }

    @Override
    public long nextDeadlineNs() { return Math.min(deadlines.earliestNs(), listeners.nextResumeNs()); }

    /** Serves the flows that are due, earliest first; the others are not looked at. */
    @Override
    public void onTimer(long nowNs) {
        listeners.resumeDue(nowNs);
        while (deadlines.earliestNs() <= nowNs) {
            int flow = deadlines.earliestSlot();
            TcpConnection c = connections[flow];
            if (connectDeadlineNs[flow] <= nowNs) {
                connectTimeouts++;
                connectDeadlineNs[flow] = Long.MAX_VALUE;
                halfOpen--;
                connectFailed(flow, Errno.ETIMEDOUT, nowNs);
            } else if (c.nextDeadlineNs() <= nowNs) {
                c.onTimer(nowNs);
            }
            if (c.isClosed()) {
                free(flow);
                continue;
            }
            // A timer that did not move its own deadline past now waits for the next tick
            // rather than holding this loop.
            deadlines.schedule(flow, Math.max(nowNs + 1, Math.min(c.nextDeadlineNs(), connectDeadlineNs[flow])));
        }
    }

    /**
     * A free flow index; when every one is taken, a flow in TIME-WAIT gives its place up, as
     * Linux drops TIME-WAIT sockets beyond tcp_max_tw_buckets. A TIME-WAIT flow holds no host
     * socket and no buffers, only the memory of a connection that has ended; at thousands of
     * short connections a second, those would otherwise fill the table and refuse new ones.
     */
    private int acquireFlow() {
        int flow = pool.acquire();
        if (flow >= 0) return flow;
        int capacity = pool.capacity();
        for (int i = 0; i < capacity; i++) {
            int candidate = reclaimCursor;
            reclaimCursor = reclaimCursor + 1 == capacity ? 0 : reclaimCursor + 1;
            TcpConnection c = connections[candidate];
            if (c != null && pool.inUse(candidate) && c.state() == TcpState.TIME_WAIT) {
                timeWaitReclaimed++;
                free(candidate);
                return pool.acquire();
            }
        }
        return -1;
    }

    private void free(int flow) {
        if (connectDeadlineNs[flow] != Long.MAX_VALUE) {
            halfOpen--;
            connectDeadlineNs[flow] = Long.MAX_VALUE;
        }
        sockets[flow].close(false);
        TcpConnection c = connections[flow];
        observer.closed(Ipv4Packet.PROTOCOL_TCP, guestAddr[flow], guestPort[flow], peerAddr[flow], peerPort[flow],
                c.bytesFromGuest(), c.bytesToGuest(), loop.clock().nanoTime());
        c.releaseBuffers();
        table.remove(Ipv4Packet.PROTOCOL_TCP, guestAddr[flow], guestPort[flow], peerAddr[flow], peerPort[flow]);
        connections[flow] = null;
        retired[flow] = c;
        deadlines.remove(flow);
        pool.release(flow);
    }

    /** Aborts every flow: RST to the guest, host sockets closed (shutdown or a new guest). */
    public void abortAll(long nowNs) {
        for (int flow = 0; flow < pool.capacity(); flow++) {
            if (!pool.inUse(flow)) continue;
            // A flow whose set-up failed half-way has no connection yet: still free it, so
            // that shutting down after an error does not hide that error behind this one.
            if (connections[flow] != null) connections[flow].abort(nowNs);
            free(flow);
        }
    }

    public void closeListeners() { listeners.closeAll(); }
}
