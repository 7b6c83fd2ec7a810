package dev.jslirp.udp;

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
import dev.jslirp.host.Kinds;
import dev.jslirp.iface.Counters;
import dev.jslirp.iface.GuestFrameWriter;
import dev.jslirp.iface.GuestIpHandler;
import dev.jslirp.iface.GuestUdpService;
import dev.jslirp.os.Epoll;
import dev.jslirp.os.Errno;
import dev.jslirp.os.InetSockAddr;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import dev.jslirp.time.IdleTimeouts;
import dev.jslirp.wire.Icmpv4Packet;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.UdpDatagram;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * UDP NAT. Theory of operation: a datagram from the guest to a new (address, port) opens a
 * flow with its own host socket, connected to the target {@link Forwarding} chose, so the
 * kernel filters replies for us and {@code recv} needs no source address (passt's "reply
 * sockets", {@code udp.c}). Replies are read straight into the guest frame buffer behind
 * the headers and sent as coming from the address the guest wrote to. A flow with no
 * traffic for {@code udpIdleTimeoutMs} is closed.
 *
 * <p>Port forwards: a listening socket per rule; each host peer that writes to it gets a
 * flow whose guest-visible peer is (gateway, a port of ours); the guest's replies go back
 * with {@code sendto} on the listening socket.
 *
 * <p>Flows live in parallel arrays indexed by flow number; nothing is allocated per datagram.
 */
public final class UdpNat implements GuestIpHandler, EventLoop.Handler, EventLoop.Timed {
    private static final Logger LOG = System.getLogger("jslirp.udp");
    private static final int MAX_PAYLOAD = Ipv4Packet.MAX_LENGTH - Ipv4Packet.HEADER_LENGTH - UdpDatagram.HEADER_LENGTH;
    /** Datagrams relayed per readiness event before other descriptors get a turn. */
    private static final int BATCH = 64;
    private static final int NO_LISTENER = -1;

    private final Config config;
    private final Forwarding forwarding;
    private final EventLoop loop;
    private final GuestFrameWriter writer;
    private final Counters counters;
    private final GuestUdpService[] services;
    private final long idleTimeoutNs;
    private final FlowKeyTable table;
    private final FlowKeyTable inboundByHostPeer;
    private final IndexPool pool;
    private final int[] fd, guestAddr, guestPort, peerAddr, peerPort, listener, hostPeerAddr, hostPeerPort;
    private final IdleTimeouts idle;
    /** {@link #close} as the idle timer's callback, made once (a method reference per tick would allocate). */
    private final IdleTimeouts.Expiry closeIdle = this::close;
    private final long[] openedNs;
    private FlowObserver observer = FlowObserver.NONE;
    private DatagramTap upstreamTap;
    private int outboundAddr;
    public final long[] bytesFromGuest, bytesToGuest;
    private final UdpDatagram udp = new UdpDatagram();
    private final InetSockAddr from = new InetSockAddr();
    private final ForwardListeners listeners;
    private final InboundPorts inboundPorts = new InboundPorts();
    public long flowsOpened, flowsRefusedByCap, hostSendErrors;
    private final dev.jslirp.host.RateLimitedLog capLog = new dev.jslirp.host.RateLimitedLog(LOG, 10_000_000_000L);

    public UdpNat(Config config, Forwarding forwarding, EventLoop loop, GuestFrameWriter writer, Counters counters,
                  List<GuestUdpService> services) {
        this.config = config;
        this.forwarding = forwarding;
        this.loop = loop;
        this.writer = writer;
        this.counters = counters;
        this.services = services.toArray(new GuestUdpService[0]);
        this.idleTimeoutNs = config.limits().udpIdleTimeoutMs() * 1_000_000L;
        int max = config.limits().maxUdpFlows();
        table = new FlowKeyTable(max);
        inboundByHostPeer = new FlowKeyTable(max);
        pool = new IndexPool(max);
        fd = new int[max];
        guestAddr = new int[max];
        guestPort = new int[max];
        peerAddr = new int[max];
        peerPort = new int[max];
        listener = new int[max];
        hostPeerAddr = new int[max];
        hostPeerPort = new int[max];
        idle = new IdleTimeouts(max, idleTimeoutNs);
        openedNs = new long[max];
        bytesFromGuest = new long[max];
        bytesToGuest = new long[max];
        loop.handler(Kinds.UDP_SOCKET, this);
        loop.handler(Kinds.UDP_LISTENER, this::onListenerReady);
        listeners = new ForwardListeners(loop, Sockets.SOCK_DGRAM, Kinds.UDP_LISTENER);
    }

    /** Binds one host socket per UDP forward. @throws IllegalStateException naming the rule that failed */
    public void bindForwards() {
        listeners.addAll(config.forwards().stream().filter(f -> f.protocol() == HostForward.Protocol.UDP).toList());
    }


    /**
     * Adds a forward while running (the API's add_hostfwd): binds at once.
     * @return its listener index, for {@link #removeForward} and {@link #boundPort}
     * @throws IllegalStateException naming the rule when the port cannot be bound
     */
    public int addForward(HostForward rule) {
        return listeners.add(rule);
    }

    /** Closes a forward's socket and the flows it carried. @return false if there was none */
    public boolean removeForward(int index) {
        if (!listeners.isOpen(index)) return false;
        for (int flow = 0; flow < pool.capacity(); flow++) {
            if (pool.inUse(flow) && listener[flow] == index) close(flow);
        }
        return listeners.remove(index);
    }

    /** Sees every datagram that comes back from a host for an outbound flow (DNS snooping). Control path: may allocate. */
    @FunctionalInterface
    public interface DatagramTap {
        void fromHost(int peerAddr, int peerPort, ByteBuffer buf, int offset, int length, long nowNs);
    }

    /** Told of every flow opened, refused and closed (audit log); {@link FlowObserver#NONE} by default. */
    public void observer(FlowObserver o) { observer = o; }

    /** Datagrams from the DNS address's upstream flows go to {@code tap} too (egress name rules); null for none. */
    public void upstreamDnsTap(DatagramTap tap) { upstreamTap = tap; }

    /** Binds outbound host sockets to this address first (slirp4netns --outbound-addr); 0 = the kernel chooses. */
    public void outboundAddr(int addr) { outboundAddr = addr; }

    /** Visits every live flow (flow table API). */
    public void forEachFlow(FlowVisitor visitor) {
        InetSockAddr host = new InetSockAddr();
        for (int flow = 0; flow < pool.capacity(); flow++) {
            if (!pool.inUse(flow)) continue;
            int hAddr = hostPeerAddr[flow], hPort = hostPeerPort[flow];
            if (listener[flow] == NO_LISTENER && Sockets.getpeername(fd[flow], host) >= 0) {
                hAddr = host.addr();
                hPort = host.port();
            }
            visitor.flow(Ipv4Packet.PROTOCOL_UDP, guestAddr[flow], guestPort[flow], peerAddr[flow], peerPort[flow], hAddr, hPort,
                    listener[flow] != NO_LISTENER, "active", bytesFromGuest[flow], bytesToGuest[flow], openedNs[flow]);
        }
    }

    /** The host port a UDP forward is bound to (useful when the rule asked for port 0). */
    public int boundPort(int forwardIndex) { return listeners.boundPort(forwardIndex); }

    public int activeFlows() { return pool.inUseCount(); }

    @Override
    public void onGuestPacket(Ipv4Packet ip, long nowNs) {
        udp.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        if (!udp.checkLength()) {
            counters.dropUdpMalformed++;
            return;
        }
        // The interface verified the checksum (or the link vouched for it).
        for (GuestUdpService service : services) {
            if (service.onGuestDatagram(ip, udp, nowNs)) return;
        }
        int src = ip.src(), dst = ip.dst();
        if (src == 0 || dst == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(dst) || dst == config.network().broadcast()) {
            counters.dropIpDestination++;
            return;
        }
        int flow = table.get(Ipv4Packet.PROTOCOL_UDP, src, udp.srcPort(), dst, udp.dstPort());
        if (flow < 0) {
            flow = open(ip, nowNs);
            if (flow < 0) return;
        }
        idle.touch(flow, nowNs);
        int length = udp.payloadLength();
        int n = listener[flow] == NO_LISTENER
                ? Sockets.send(fd[flow], ip.buffer(), udp.payloadOffset(), length, 0)
                : Sockets.sendto(fd[flow], ip.buffer(), udp.payloadOffset(), length, 0, hostPeerAddr[flow], hostPeerPort[flow]);
        if (n >= 0) {
            bytesFromGuest[flow] += n;
        } else if (n == -Errno.ECONNREFUSED) {
            refusedByHost(flow);
        } else {
            hostSendErrors++; // EAGAIN (socket buffer full) and friends: UDP may drop
        }
    }

    private int open(Ipv4Packet ip, long nowNs) {
        long target = forwarding.target(Ipv4Packet.PROTOCOL_UDP, ip.dst(), udp.dstPort(), nowNs);
        if (Forwarding.denied(target)) {
            counters.dropUdpDenied++;
            boolean byPolicy = target == Forwarding.DENIED_BY_POLICY;
            observer.denied(Ipv4Packet.PROTOCOL_UDP, ip.src(), udp.srcPort(), ip.dst(), udp.dstPort(),
                    byPolicy ? FlowObserver.DENIED_BY_POLICY : FlowObserver.DENIED_BY_MODE, nowNs);
            writer.sendIcmpError(Icmpv4Packet.TYPE_DEST_UNREACHABLE,
                    config.open() && !byPolicy ? Icmpv4Packet.CODE_HOST_UNREACHABLE : Icmpv4Packet.CODE_ADMIN_PROHIBITED,
                    ip.dst(), ip);
            return -1;
        }
        int flow = pool.acquire();
        if (flow < 0) {
            flowsRefusedByCap++;
            capLog.warn(nowNs, "UDP: flow cap reached; guest datagrams answered with ICMP port unreachable");
            writer.sendIcmpError(Icmpv4Packet.TYPE_DEST_UNREACHABLE, Icmpv4Packet.CODE_PORT_UNREACHABLE, ip.dst(), ip);
            return -1;
        }
        int s = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_DGRAM | Sockets.NONBLOCK_CLOEXEC, 0);
        if (s < 0) {
            pool.release(flow);
            flowsRefusedByCap++;
            LOG.log(Level.WARNING, "UDP socket failed: " + Errno.strerror(-s));
            return -1;
        }
        if (outboundAddr != 0 && !Ipv4Address.isLoopback(Forwarding.addrOf(target))) {
            Sockets.bindInet(s, outboundAddr, 0); // on failure connect picks the address, as without the option
        }
        int r = Sockets.connectInet(s, Forwarding.addrOf(target), Forwarding.portOf(target));
        if (r < 0) {
            Sys.close(s);
            pool.release(flow);
            writer.sendIcmpError(Icmpv4Packet.TYPE_DEST_UNREACHABLE, unreachableCode(-r), ip.dst(), ip);
            return -1;
        }
        record(flow, s, ip.src(), udp.srcPort(), ip.dst(), udp.dstPort(), NO_LISTENER, 0, 0, nowNs);
        loop.register(s, Epoll.EPOLLIN, Kinds.UDP_SOCKET, flow);
        return flow;
    }

    private void record(int flow, int s, int gAddr, int gPort, int pAddr, int pPort, int listenerIndex, int hAddr, int hPort, long nowNs) {
        fd[flow] = s;
        guestAddr[flow] = gAddr;
        guestPort[flow] = gPort;
        peerAddr[flow] = pAddr;
        peerPort[flow] = pPort;
        listener[flow] = listenerIndex;
        hostPeerAddr[flow] = hAddr;
        hostPeerPort[flow] = hPort;
        idle.start(flow, nowNs);
        bytesFromGuest[flow] = 0;
        bytesToGuest[flow] = 0;
        openedNs[flow] = nowNs;
        table.put(Ipv4Packet.PROTOCOL_UDP, gAddr, gPort, pAddr, pPort, flow);
        flowsOpened++;
        observer.opened(Ipv4Packet.PROTOCOL_UDP, gAddr, gPort, pAddr, pPort, listenerIndex != NO_LISTENER, nowNs);
    }

    /** Replies from the host for an outbound flow. */
    @Override
    public void onReady(int flow, int events, long nowNs) {
        if (!pool.inUse(flow)) return;
        ByteBuffer tx = writer.buffer();
        for (int i = 0; i < BATCH; i++) {
            int n = Sockets.recv(fd[flow], tx, GuestFrameWriter.UDP_PAYLOAD_OFFSET, MAX_PAYLOAD, 0);
            if (n >= 0) {
                idle.touch(flow, nowNs);
                bytesToGuest[flow] += n;
                if (upstreamTap != null && peerAddr[flow] == config.dns()) {
                    upstreamTap.fromHost(peerAddr[flow], peerPort[flow], tx, GuestFrameWriter.UDP_PAYLOAD_OFFSET, n, nowNs);
                }
                writer.sendUdp(peerAddr[flow], peerPort[flow], guestAddr[flow], guestPort[flow], n);
                continue;
            }
            if (n == -Errno.ECONNREFUSED) {
                refusedByHost(flow);
                continue;
            }
            if (n != -Errno.EAGAIN && n != -Errno.EINTR) close(flow);
            return;
        }
    }

    /** Datagrams from host peers to a forwarded port. */
    private void onListenerReady(int index, int events, long nowNs) {
        ByteBuffer tx = writer.buffer();
        int s = listeners.fd(index);
        HostForward rule = listeners.rule(index);
        for (int i = 0; i < BATCH; i++) {
            int n = Sockets.recvfrom(s, tx, GuestFrameWriter.UDP_PAYLOAD_OFFSET, MAX_PAYLOAD, 0, from);
            if (n < 0) return;
            int flow = inboundByHostPeer.get(Ipv4Packet.PROTOCOL_UDP, index, 0, from.addr(), from.port());
            if (flow < 0) {
                flow = openInbound(index, rule, from.addr(), from.port(), nowNs);
                if (flow < 0) continue;
            }
            idle.touch(flow, nowNs);
            bytesToGuest[flow] += n;
            writer.sendUdp(peerAddr[flow], peerPort[flow], guestAddr[flow], guestPort[flow], n);
        }
    }

    private int openInbound(int index, HostForward rule, int hAddr, int hPort, long nowNs) {
        int flow = pool.acquire();
        if (flow < 0) {
            flowsRefusedByCap++;
            return -1;
        }
        int gAddr = config.guestAddrOf(rule);
        int pAddr = config.gateway();
        int pPort = inboundPorts.choose(table, Ipv4Packet.PROTOCOL_UDP, gAddr, rule.guestPort(), config.gateway(), hPort);
        if (pPort < 0) {
            pool.release(flow);
            flowsRefusedByCap++;
            return -1;
        }
        record(flow, listeners.fd(index), gAddr, rule.guestPort(), pAddr, pPort, index, hAddr, hPort, nowNs);
        inboundByHostPeer.put(Ipv4Packet.PROTOCOL_UDP, index, 0, hAddr, hPort, flow);
        return flow;
    }


    /** The host answered ICMP port unreachable: tell the guest the same, quoting a header of its flow. */
    private void refusedByHost(int flow) {
        writer.sendIcmpErrorAboutFlow(Icmpv4Packet.TYPE_DEST_UNREACHABLE, Icmpv4Packet.CODE_PORT_UNREACHABLE,
                Ipv4Packet.PROTOCOL_UDP, guestAddr[flow], guestPort[flow], peerAddr[flow], peerPort[flow], 0);
    }

    private static int unreachableCode(int errno) {
        return errno == Errno.ENETUNREACH ? Icmpv4Packet.CODE_NET_UNREACHABLE : Icmpv4Packet.CODE_HOST_UNREACHABLE;
    }

    @Override
    public long nextDeadlineNs() { return idle.nextDeadlineNs(); }

    @Override
    public void onTimer(long nowNs) {
        idle.expire(nowNs, closeIdle);
    }

    private void close(int flow) {
        observer.closed(Ipv4Packet.PROTOCOL_UDP, guestAddr[flow], guestPort[flow], peerAddr[flow], peerPort[flow],
                bytesFromGuest[flow], bytesToGuest[flow], loop.clock().nanoTime());
        table.remove(Ipv4Packet.PROTOCOL_UDP, guestAddr[flow], guestPort[flow], peerAddr[flow], peerPort[flow]);
        if (listener[flow] == NO_LISTENER) {
            loop.unregister(fd[flow]);
            Sys.close(fd[flow]);
        } else {
            inboundByHostPeer.remove(Ipv4Packet.PROTOCOL_UDP, listener[flow], 0, hostPeerAddr[flow], hostPeerPort[flow]);
        }
        idle.stop(flow);
        pool.release(flow);
    }

    /** Closes every flow and listener (shutdown, or a new guest connection on a stream link). */
    public void closeAll() {
        for (int flow = 0; flow < pool.capacity(); flow++) {
            if (pool.inUse(flow)) close(flow);
        }
    }

    public void closeListeners() { listeners.closeAll(); }
}
