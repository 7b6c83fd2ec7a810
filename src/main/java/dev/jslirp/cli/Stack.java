package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.flow.Forwarding;
import dev.jslirp.host.EventLoop;
import dev.jslirp.host.Kinds;
import dev.jslirp.icmp.IcmpRelay;
import dev.jslirp.iface.Counters;
import dev.jslirp.iface.GuestFrameWriter;
import dev.jslirp.iface.Interface;
import dev.jslirp.iface.Ipv4Reassembler;
import dev.jslirp.link.Link;
import dev.jslirp.service.DhcpService;
import dev.jslirp.service.DnsService;
import dev.jslirp.splice.SocketSource;
import dev.jslirp.splice.SplicedForwards;
import dev.jslirp.tcp.TcpNat;
import dev.jslirp.time.NanoClock;
import dev.jslirp.udp.UdpNat;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One virtual network, wired: the interface, the NAT engines, the gateway's services and
 * the event loop that drives them, around one guest link. Start-up happens in stages
 * (construct, {@link #bindForwards}, then {@link #run}) so that a mode can drop privileges
 * between binding forwarded ports and serving the guest.
 */
public final class Stack implements AutoCloseable {
    /** Frames read from the guest per readiness event before host sockets get a turn. */
    private static final int LINK_BATCH = 64;

    private final Config config;
    private final Link link;
    private final EventLoop loop;
    private final Counters counters = new Counters();
    private final GuestFrameWriter writer;
    private final Interface iface;
    private final TcpNat tcp;
    private final UdpNat udp;
    private final IcmpRelay icmp;
    private final ByteBuffer rx;
    private final Forwarding forwarding;
    private final java.util.List<Runnable> beforeRun = new java.util.ArrayList<>();
    private final java.util.List<AutoCloseable> closeWith = new java.util.ArrayList<>();
    private SplicedForwards spliced;
    private volatile boolean linkClosed;
    private boolean forwardsBound;

    public Stack(Config config, Link link, NanoClock clock) {
        this(config, link, clock, new Forwarding(config));
    }

    /** With a Forwarding of the caller's (an egress policy, DNS forwarding off). */
    public Stack(Config config, Link link, NanoClock clock, Forwarding forwarding) {
        this.config = config;
        this.forwarding = forwarding;
        this.link = link;
        this.loop = new EventLoop(clock);
        this.writer = new GuestFrameWriter(link, counters, config.gatewayMac(), config.gateway(), config.mtu());
        this.iface = new Interface(config, counters, writer, new Ipv4Reassembler(new Ipv4Reassembler.Limits(
                config.limits().maxReassemblyDatagrams(), config.limits().reassemblyBufferBytes(),
                Ipv4Reassembler.DEFAULT_MAX_DATAGRAM_LENGTH, Ipv4Reassembler.DEFAULT_TIMEOUT_NS,
                Ipv4Reassembler.DEFAULT_MAX_FRAGMENTS)));
        this.tcp = new TcpNat(config, forwarding, loop, writer, counters);
        this.udp = new UdpNat(config, forwarding, loop, writer, counters,
                List.of(new DhcpService(config, writer, counters), new DnsService(config, writer, counters)));
        this.icmp = new IcmpRelay(config, forwarding, loop, writer, counters);
        iface.handlers(new Interface.Handlers(tcp, udp, icmp));
        this.rx = ByteBuffer.allocateDirect(Math.max(link.maxReceiveLength(), 64));
        loop.addTimed(tcp);
        loop.addTimed(udp);
        loop.addTimed(icmp);
        loop.addTimed(new EventLoop.Timed() {
            @Override public long nextDeadlineNs() { return iface.nextDeadlineNs(); }
            @Override public void onTimer(long nowNs) { iface.onTimer(nowNs); }
        });
        loop.handler(Kinds.LINK, (index, events, nowNs) -> onLinkReady(nowNs));
    }

    /** Binds the host ports of every forward. @throws IllegalStateException naming the rule that failed */
    public void bindForwards() {
        if (forwardsBound) return; // a mode may bind early (the API's ids follow the bound forwards)
        forwardsBound = true;
        tcp.bindForwards();
        udp.bindForwards();
    }

    /**
     * {@code --splice-forwards}: TCP forwards' connections from the host's loopback are spliced
     * to sockets from {@code namespaceSockets} (made in the guest's namespace), which the stack
     * owns from now on. Before {@link #run}; the namespace modes only.
     */
    public void spliceForwards(SocketSource namespaceSockets) {
        if (spliced != null) throw new IllegalStateException("forwards are already spliced");
        spliced = new SplicedForwards(loop, namespaceSockets, config.limits().maxSplicedFlows(),
                config.limits().tcpConnectTimeoutMs() * 1_000_000L, SplicedForwards.PIPE_BYTES);
        tcp.handoff(spliced);
        loop.addTimed(spliced);
    }

    /** The spliced forwards, or null without {@code --splice-forwards}. */
    public SplicedForwards spliced() { return spliced; }

    public EventLoop loop() { return loop; }

    public Counters counters() { return counters; }

    /** The guest link as the stack uses it (decorated, e.g. by pcap capture). */
    public Link link() { return link; }

    public Interface iface() { return iface; }

    public TcpNat tcp() { return tcp; }

    public UdpNat udp() { return udp; }

    public IcmpRelay icmp() { return icmp; }

    public Config config() { return config; }

    public Forwarding forwarding() { return forwarding; }

    /** Runs {@code r} on the loop's thread just before the loop starts (ready notification, sandboxing). */
    public void beforeRun(Runnable r) { beforeRun.add(r); }

    /** Closes {@code c} when the stack closes, before the NAT engines (API socket, metrics, audit log). */
    public void closeWith(AutoCloseable c) { closeWith.add(c); }

    /** Serves the guest until the link closes or {@link EventLoop#stop} is called. */
    public void run() {
        if (link.pollFd() >= 0) loop.register(link.pollFd(), link.pollEvents(), Kinds.LINK, 0);
        for (Runnable r : beforeRun) r.run();
        loop.run();
    }

    public boolean linkClosed() { return linkClosed; }

    private boolean linkEndExpected;

    /** The link closing is how this mode ends (a one-off or connecting QEMU link): log it as news, not as a warning. */
    public void linkEndExpected() { linkEndExpected = true; }

    private void onLinkReady(long nowNs) {
        for (int i = 0; i < LINK_BATCH; i++) {
            int n = link.receive(rx, 0, rx.capacity());
            if (n == Link.NOTHING) return;
            if (n == Link.DISCONNECTED) {
                forgetGuest(nowNs);
                continue;
            }
            if (n == Link.CLOSED) {
                System.getLogger("jslirp").log(linkEndExpected ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                        "the guest link closed (device gone or peer hung up): stopping");
                linkClosed = true;
                loop.unregister(link.pollFd());
                loop.stop();
                return;
            }
            iface.receive(rx, 0, n, link.receivedChecksumTrusted(), nowNs);
        }
    }

    /**
     * The VM went away and the link waits for the next one: every flow is closed (TCP aborted,
     * host sockets closed), as it would be if jslirp were restarted. Port forward listeners
     * and DHCP leases stay.
     */
    public void forgetGuest(long nowNs) {
        tcp.abortAll(nowNs);
        udp.closeAll();
        icmp.closeAll();
    }

    @Override
    public void close() {
        long nowNs = loop.clock().nanoTime();
        for (AutoCloseable c : closeWith) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger("jslirp").log(System.Logger.Level.WARNING, "closing " + c + ": " + e);
            }
        }
        tcp.abortAll(nowNs);
        tcp.closeListeners();
        if (spliced != null) {
            spliced.abortAll(nowNs);
            spliced.close();
        }
        udp.closeAll();
        udp.closeListeners();
        icmp.closeAll();
        link.close();
        loop.close();
    }
}
