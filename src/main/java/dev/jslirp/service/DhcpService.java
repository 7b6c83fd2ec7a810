package dev.jslirp.service;

import dev.jslirp.config.Config;
import dev.jslirp.iface.Counters;
import dev.jslirp.iface.GuestFrameWriter;
import dev.jslirp.iface.GuestUdpService;
import dev.jslirp.service.dhcp.DhcpConfig;
import dev.jslirp.service.dhcp.DhcpServer;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.UdpDatagram;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/** Puts the DHCP server on the virtual link: datagrams to port 67 never reach NAT. */
public final class DhcpService implements GuestUdpService {
    public static final int SERVER_PORT = 67, CLIENT_PORT = 68;

    private final Config config;
    private final DhcpServer server;
    private final GuestFrameWriter writer;
    private final Counters counters;

    public DhcpService(Config config, GuestFrameWriter writer, Counters counters) {
        this.config = config;
        this.writer = writer;
        this.counters = counters;
        this.server = new DhcpServer(toDhcpConfig(config));
    }

    static DhcpConfig toDhcpConfig(Config c) {
        OptionalInt mtu = c.mtu() == Config.DEFAULT_MTU ? OptionalInt.empty() : OptionalInt.of(c.mtu());
        return new DhcpConfig(c.network().network(), c.network().prefixLength(), c.gateway(), c.dns(), c.dhcpStart(),
                DhcpConfig.DEFAULT_POOL_SIZE, DhcpConfig.DEFAULT_LEASE_SECONDS, mtu,
                Optional.ofNullable(c.domainName()), c.searchDomains());
    }

    public DhcpServer server() { return server; }

    @Override
    public boolean onGuestDatagram(Ipv4Packet ip, UdpDatagram udp, long nowNs) {
        if (udp.dstPort() != SERVER_PORT) return false;
        int dst = ip.dst();
        if (dst != config.gateway() && dst != Ipv4Address.BROADCAST && dst != config.network().broadcast()) return false;
        counters.dhcpRequests++;
        ByteBuffer tx = writer.buffer();
        // The interface learned the frame's source MAC before dispatch; the server checks it against chaddr.
        int length = server.handle(ip.buffer(), udp.payloadOffset(), udp.payloadLength(), writer.guestMac(),
                tx, GuestFrameWriter.UDP_PAYLOAD_OFFSET, nowNs);
        if (length > 0) {
            int to = server.replyDestination(tx, GuestFrameWriter.UDP_PAYLOAD_OFFSET, length);
            long toMac = server.replyDestinationMac(tx, GuestFrameWriter.UDP_PAYLOAD_OFFSET, length);
            writer.sendUdp(toMac, config.gateway(), SERVER_PORT, to, CLIENT_PORT, length);
        }
        return true;
    }
}
