package dev.jslirp.flow;

import dev.jslirp.config.Config;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;

/**
 * NAT as a pure function (passt: {@code fwd.c}): where a flow the guest starts towards
 * {@code (peerAddr, peerPort)} goes on the host, or that it may not go anywhere.
 *
 * <ul>
 *   <li>the gateway address reaches the host's loopback (127.0.0.1), unless host loopback is
 *       disabled or the guest is restricted;</li>
 *   <li>the DNS address, port 53, reaches the configured upstream resolver (open mode only;
 *       in restricted mode the DNS service answers local names itself);</li>
 *   <li>other addresses of the virtual network have nobody behind them;</li>
 *   <li>anything else is reached directly, in open mode only. Loopback, multicast,
 *       broadcast and "this network" destinations are never relayed.</li>
 * </ul>
 * The result is packed in a {@code long}: address in the high 32 bits, port in the low 16,
 * or {@link #DENIED}.
 *
 * <p>With an enabled {@link EgressPolicy} (open mode plus {@code --allow} rules), every relayed
 * destination except DNS to the upstream must also be allowed by a rule, matched against the
 * address the guest used; otherwise the result is {@link #DENIED_BY_POLICY}.
 */
public final class Forwarding {
    public static final long DENIED = -1L;
    /** Refused by an egress rule (the guest gets RST or ICMP admin-prohibited). Never a real target: 255.255.255.255:65534. */
    public static final long DENIED_BY_POLICY = -2L;
    public static final int DNS_PORT = 53;

    private final Config config;
    private final EgressPolicy policy;
    private final boolean dnsForwarding;

    public Forwarding(Config config) { this(config, new EgressPolicy(), true); }

    /**
     * @param dnsForwarding false: the DNS address relays nothing to the upstream (slirp4netns's
     *     --disable-dns); jslirp's own names are still answered
     */
    public Forwarding(Config config, EgressPolicy policy, boolean dnsForwarding) {
        this.config = config;
        this.policy = policy;
        this.dnsForwarding = dnsForwarding;
    }

    public EgressPolicy policy() { return policy; }

    /** As {@link #target(int, int, int, long)} where no learned name is valid any more. */
    public long target(int protocol, int peerAddr, int peerPort) { return target(protocol, peerAddr, peerPort, Long.MAX_VALUE); }

    public long target(int protocol, int peerAddr, int peerPort, long nowNs) {
        long t = modeTarget(protocol, peerAddr, peerPort);
        if (t == DENIED || !policy.enabled() || peerAddr == config.dns()) return t;
        return policy.allows(protocol, peerAddr, peerPort, nowNs) ? t : DENIED_BY_POLICY;
    }

    /** Whether a verdict refuses the flow. */
    public static boolean denied(long target) { return target == DENIED || target == DENIED_BY_POLICY; }

    private long modeTarget(int protocol, int peerAddr, int peerPort) {
        if (peerAddr == config.gateway()) {
            if (!config.open() || !config.hostLoopback()) return DENIED;
            return pack(Ipv4Address.LOOPBACK, peerPort);
        }
        if (peerAddr == config.dns()) {
            boolean dnsProtocol = protocol == Ipv4Packet.PROTOCOL_UDP || protocol == Ipv4Packet.PROTOCOL_TCP;
            if (!config.open() || !dnsForwarding || !dnsProtocol || peerPort != DNS_PORT) return DENIED;
            return pack(config.dnsUpstream().addr(), config.dnsUpstream().port());
        }
        if (config.network().contains(peerAddr)) return DENIED;
        if (!config.open()) return DENIED;
        if (Ipv4Address.isLoopback(peerAddr) || Ipv4Address.isMulticast(peerAddr)
                || peerAddr == Ipv4Address.BROADCAST || (peerAddr >>> 24) == 0) {
            return DENIED;
        }
        return pack(peerAddr, peerPort);
    }

    public static int addrOf(long target) { return (int) (target >>> 32); }

    public static int portOf(long target) { return (int) target & 0xFFFF; }

    static long pack(int addr, int port) { return ((long) addr << 32) | (port & 0xFFFF); }
}
