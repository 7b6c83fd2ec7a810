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
 */
public final class Forwarding {
    public static final long DENIED = -1L;
    public static final int DNS_PORT = 53;

    private final Config config;

    public Forwarding(Config config) { this.config = config; }

    public long target(int protocol, int peerAddr, int peerPort) {
        if (peerAddr == config.gateway()) {
            if (!config.open() || !config.hostLoopback()) return DENIED;
            return pack(Ipv4Address.LOOPBACK, peerPort);
        }
        if (peerAddr == config.dns()) {
            boolean dnsProtocol = protocol == Ipv4Packet.PROTOCOL_UDP || protocol == Ipv4Packet.PROTOCOL_TCP;
            if (!config.open() || !dnsProtocol || peerPort != DNS_PORT) return DENIED;
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
