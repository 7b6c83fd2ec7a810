package dev.jslirp.service;

import dev.jslirp.config.Config;
import dev.jslirp.iface.Counters;
import dev.jslirp.iface.GuestFrameWriter;
import dev.jslirp.iface.GuestUdpService;
import dev.jslirp.service.dns.DnsConfig;
import dev.jslirp.service.dns.DnsLocalResponder;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.UdpDatagram;
import java.util.Map;

/**
 * The DNS address's own answers: names jslirp owns are answered here; in restricted mode
 * everything else is REFUSED here too; in open mode other queries fall through to NAT,
 * which forwards them to the upstream resolver.
 */
public final class DnsService implements GuestUdpService {
    public static final int PORT = 53;

    private final Config config;
    private final DnsLocalResponder responder;
    private final GuestFrameWriter writer;
    private final Counters counters;

    public DnsService(Config config, GuestFrameWriter writer, Counters counters) {
        this.config = config;
        this.writer = writer;
        this.counters = counters;
        this.responder = new DnsLocalResponder(new DnsConfig(
                Map.of(DnsConfig.HOST_NAME, config.gateway(), DnsConfig.GATEWAY_NAME, config.gateway()), !config.open()));
    }

    public DnsLocalResponder responder() { return responder; }

    @Override
    public boolean onGuestDatagram(Ipv4Packet ip, UdpDatagram udp, long nowNs) {
        if (ip.dst() != config.dns() || udp.dstPort() != PORT) return false;
        int length = responder.answer(ip.buffer(), udp.payloadOffset(), udp.payloadLength(),
                writer.buffer(), GuestFrameWriter.UDP_PAYLOAD_OFFSET);
        if (length == DnsLocalResponder.FORWARD) return false;
        if (length > 0) {
            counters.dnsLocalAnswers++;
            writer.sendUdp(config.dns(), PORT, ip.src(), udp.srcPort(), length);
        }
        return true;
    }
}
