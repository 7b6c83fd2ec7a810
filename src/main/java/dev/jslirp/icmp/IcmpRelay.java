package dev.jslirp.icmp;

import dev.jslirp.config.Config;
import dev.jslirp.flow.FlowKeyTable;
import dev.jslirp.flow.FlowObserver;
import dev.jslirp.flow.FlowVisitor;
import dev.jslirp.flow.Forwarding;
import dev.jslirp.flow.IndexPool;
import dev.jslirp.host.EventLoop;
import dev.jslirp.host.Kinds;
import dev.jslirp.iface.Counters;
import dev.jslirp.iface.GuestFrameWriter;
import dev.jslirp.iface.GuestIpHandler;
import dev.jslirp.os.Epoll;
import dev.jslirp.os.Errno;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import dev.jslirp.time.IdleTimeouts;
import dev.jslirp.wire.Icmpv4Packet;
import dev.jslirp.wire.Ipv4Packet;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * Relays the guest's ICMP echo requests to outside addresses (open mode) and their replies
 * back. Never invents a reply: if the host cannot ping, the guest's ping times out.
 *
 * <p>Two host mechanisms, probed once at start: unprivileged ICMP datagram ("ping")
 * sockets, allowed by {@code net.ipv4.ping_group_range}, where the kernel picks the echo
 * identifier and hands back just the ICMP message; or, with CAP_NET_RAW, raw ICMP sockets,
 * where we pick a unique identifier per flow and filter what arrives. Either way each flow
 * (guest address, guest identifier, destination) has its own socket connected to the
 * destination, and replies get the guest's identifier back before they go to the guest.
 */
public final class IcmpRelay implements GuestIpHandler, EventLoop.Handler, EventLoop.Timed {
    private static final Logger LOG = System.getLogger("jslirp.icmp");
    private static final int BATCH = 16;

    /** How the host lets us send echo requests. */
    public enum Mode { PING_SOCKET, RAW_SOCKET, UNAVAILABLE }

    private final Config config;
    private final Forwarding forwarding;
    private final EventLoop loop;
    private final GuestFrameWriter writer;
    private final Counters counters;
    private final Mode mode;
    private final long idleTimeoutNs;
    private final FlowKeyTable table;
    private final IndexPool pool;
    private final int[] fd, guestAddr, guestIdent, peerAddr, hostIdent;
    private final IdleTimeouts idle;
    /** {@link #close} as the idle timer's callback, made once (a method reference per tick would allocate). */
    private final IdleTimeouts.Expiry closeIdle = this::close;
    private final long[] openedNs;
    private FlowObserver observer = FlowObserver.NONE;
    private final ByteBuffer rx = ByteBuffer.allocateDirect(Ipv4Packet.MAX_LENGTH);
    private final Icmpv4Packet icmp = new Icmpv4Packet();
    private final Ipv4Packet ip = new Ipv4Packet();
    private int nextRawIdent = (int) (System.nanoTime() & 0x7FFF);
    public long echoRelayed, repliesRelayed, dropNoMechanism;

    public IcmpRelay(Config config, Forwarding forwarding, EventLoop loop, GuestFrameWriter writer, Counters counters) {
        this.config = config;
        this.forwarding = forwarding;
        this.loop = loop;
        this.writer = writer;
        this.counters = counters;
        this.mode = probe();
        this.idleTimeoutNs = config.limits().icmpIdleTimeoutMs() * 1_000_000L;
        int max = config.limits().maxIcmpFlows();
        table = new FlowKeyTable(max);
        pool = new IndexPool(max);
        fd = new int[max];
        guestAddr = new int[max];
        guestIdent = new int[max];
        peerAddr = new int[max];
        hostIdent = new int[max];
        idle = new IdleTimeouts(max, idleTimeoutNs);
        openedNs = new long[max];
        loop.handler(Kinds.ICMP_SOCKET, this);
        if (config.open()) {
            switch (mode) {
                case PING_SOCKET -> LOG.log(Level.INFO, "ICMP echo relayed through ping sockets");
                case RAW_SOCKET -> LOG.log(Level.INFO, "ICMP echo relayed through raw sockets (ping sockets not permitted)");
                case UNAVAILABLE -> LOG.log(Level.WARNING, "ICMP echo to outside addresses is unavailable: ping sockets are not "
                        + "permitted (sysctl net.ipv4.ping_group_range excludes our group) and raw sockets need CAP_NET_RAW; "
                        + "the guest's pings to outside addresses will time out");
            }
        }
    }

    public Mode mode() { return mode; }

    /** Told of every flow opened, refused and closed (audit log); {@link FlowObserver#NONE} by default. */
    public void observer(FlowObserver o) { observer = o; }

    /** Visits every live echo flow (flow table API); ports are the guest's echo identifier and 0. */
    public void forEachFlow(FlowVisitor visitor) {
        for (int flow = 0; flow < pool.capacity(); flow++) {
            if (!pool.inUse(flow)) continue;
            visitor.flow(Ipv4Packet.PROTOCOL_ICMP, guestAddr[flow], guestIdent[flow], peerAddr[flow], 0, peerAddr[flow], 0,
                    false, "active", 0, 0, openedNs[flow]);
        }
    }

    private static Mode probe() {
        int s = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_DGRAM | Sockets.NONBLOCK_CLOEXEC, Sockets.IPPROTO_ICMP);
        if (s >= 0) {
            Sys.close(s);
            return Mode.PING_SOCKET;
        }
        s = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_RAW | Sockets.NONBLOCK_CLOEXEC, Sockets.IPPROTO_ICMP);
        if (s >= 0) {
            Sys.close(s);
            return Mode.RAW_SOCKET;
        }
        return Mode.UNAVAILABLE;
    }

    @Override
    public void onGuestPacket(Ipv4Packet packet, long nowNs) {
        icmp.wrap(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        if (icmp.type() != Icmpv4Packet.TYPE_ECHO_REQUEST) {
            counters.dropIcmpUnsupported++;
            return;
        }
        long target = forwarding.target(Ipv4Packet.PROTOCOL_ICMP, packet.dst(), 0, nowNs);
        if (Forwarding.denied(target)) {
            counters.dropIcmpUnsupported++;
            boolean byPolicy = target == Forwarding.DENIED_BY_POLICY;
            if (table.get(Ipv4Packet.PROTOCOL_ICMP, packet.src(), icmp.ident(), packet.dst(), 0) < 0) {
                observer.denied(Ipv4Packet.PROTOCOL_ICMP, packet.src(), icmp.ident(), packet.dst(), 0,
                        byPolicy ? FlowObserver.DENIED_BY_POLICY : FlowObserver.DENIED_BY_MODE, nowNs);
            }
            if (!config.open() || byPolicy) {
                writer.sendIcmpError(Icmpv4Packet.TYPE_DEST_UNREACHABLE, Icmpv4Packet.CODE_ADMIN_PROHIBITED, packet.dst(), packet);
            }
            return;
        }
        if (mode == Mode.UNAVAILABLE) {
            dropNoMechanism++;
            return;
        }
        int flow = table.get(Ipv4Packet.PROTOCOL_ICMP, packet.src(), icmp.ident(), packet.dst(), 0);
        if (flow < 0) {
            flow = open(packet.src(), icmp.ident(), Forwarding.addrOf(target), packet.dst(), nowNs);
            if (flow < 0) return;
        }
        idle.touch(flow, nowNs);
        // In raw mode the identifier on the wire is ours; a ping socket overwrites it anyway.
        icmp.ident(hostIdent[flow]);
        icmp.fillChecksum();
        int n = Sockets.send(fd[flow], packet.buffer(), packet.payloadOffset(), packet.payloadLength(), 0);
        if (n >= 0) echoRelayed++;
    }

    private int open(int gAddr, int gIdent, int targetAddr, int pAddr, long nowNs) {
        int flow = pool.acquire();
        if (flow < 0) {
            counters.dropIcmpUnsupported++;
            return -1;
        }
        int type = mode == Mode.PING_SOCKET ? Sockets.SOCK_DGRAM : Sockets.SOCK_RAW;
        int s = Sockets.socket(Sockets.AF_INET, type | Sockets.NONBLOCK_CLOEXEC, Sockets.IPPROTO_ICMP);
        if (s < 0) {
            pool.release(flow);
            return -1;
        }
        if (Sockets.connectInet(s, targetAddr, 0) < 0) {
            Sys.close(s);
            pool.release(flow);
            return -1;
        }
        fd[flow] = s;
        guestAddr[flow] = gAddr;
        guestIdent[flow] = gIdent;
        peerAddr[flow] = pAddr;
        hostIdent[flow] = mode == Mode.RAW_SOCKET ? (nextRawIdent = (nextRawIdent + 1) & 0xFFFF) : gIdent;
        idle.start(flow, nowNs);
        openedNs[flow] = nowNs;
        table.put(Ipv4Packet.PROTOCOL_ICMP, gAddr, gIdent, pAddr, 0, flow);
        observer.opened(Ipv4Packet.PROTOCOL_ICMP, gAddr, gIdent, pAddr, 0, false, nowNs);
        loop.register(s, Epoll.EPOLLIN, Kinds.ICMP_SOCKET, flow);
        return flow;
    }

    @Override
    public void onReady(int flow, int events, long nowNs) {
        if (!pool.inUse(flow)) return;
        for (int i = 0; i < BATCH; i++) {
            int n = Sockets.recv(fd[flow], rx, 0, rx.capacity(), 0);
            if (n < 0) {
                if (n != -Errno.EAGAIN && n != -Errno.EINTR) close(flow);
                return;
            }
            int icmpOffset = 0;
            int icmpLength = n;
            if (mode == Mode.RAW_SOCKET) { // raw sockets deliver the IP header too
                ip.wrap(rx, 0, n);
                if (!ip.checkLength()) continue;
                icmpOffset = ip.payloadOffset();
                icmpLength = ip.payloadLength();
            }
            icmp.wrap(rx, icmpOffset, icmpLength);
            if (!icmp.checkLength() || icmp.type() != Icmpv4Packet.TYPE_ECHO_REPLY) continue;
            if (mode == Mode.RAW_SOCKET && icmp.ident() != hostIdent[flow]) continue; // someone else's ping
            idle.touch(flow, nowNs);
            ByteBuffer tx = writer.buffer();
            tx.put(GuestFrameWriter.IP_PAYLOAD_OFFSET, rx, icmpOffset, icmpLength);
            tx.putShort(GuestFrameWriter.IP_PAYLOAD_OFFSET + Icmpv4Packet.IDENT_OFFSET, (short) guestIdent[flow]);
            writer.sendIcmp(peerAddr[flow], guestAddr[flow], icmpLength);
            repliesRelayed++;
        }
    }

    @Override
    public long nextDeadlineNs() { return idle.nextDeadlineNs(); }

    @Override
    public void onTimer(long nowNs) {
        idle.expire(nowNs, closeIdle);
    }

    private void close(int flow) {
        observer.closed(Ipv4Packet.PROTOCOL_ICMP, guestAddr[flow], guestIdent[flow], peerAddr[flow], 0, 0, 0, loop.clock().nanoTime());
        table.remove(Ipv4Packet.PROTOCOL_ICMP, guestAddr[flow], guestIdent[flow], peerAddr[flow], 0);
        loop.unregister(fd[flow]);
        Sys.close(fd[flow]);
        idle.stop(flow);
        pool.release(flow);
    }

    public void closeAll() {
        for (int flow = 0; flow < pool.capacity(); flow++) {
            if (pool.inUse(flow)) close(flow);
        }
    }
}
