package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * A whole Ethernet frame walked layer by layer with length checks only, as the
 * interface will: the test-side reference for "does this frame decode".
 */
final class Decoded {
    final EthernetFrame eth = new EthernetFrame();
    final ArpPacket arp = new ArpPacket();
    final Ipv4Packet ip = new Ipv4Packet();
    final Icmpv4Packet icmp = new Icmpv4Packet();
    final UdpDatagram udp = new UdpDatagram();
    final TcpSegment tcp = new TcpSegment();
    final ByteBuffer buf;

    Decoded(ByteBuffer buf) { this.buf = buf; }

    static Decoded of(String fixture) {
        Decoded d = new Decoded(HexFixtures.direct(fixture));
        if (!d.decode(d.buf.capacity())) throw new AssertionError("fixture " + fixture + " does not decode");
        return d;
    }

    /** True when every layer of the first {@code length} bytes passes its length check. */
    boolean decode(int length) {
        if (!eth.wrap(buf, 0, length).checkLength()) return false;
        switch (eth.etherType()) {
            case EthernetFrame.ETHERTYPE_ARP:
                return arp.wrap(buf, eth.payloadOffset(), eth.payloadLength()).checkLength();
            case EthernetFrame.ETHERTYPE_IPV4:
                if (!ip.wrap(buf, eth.payloadOffset(), eth.payloadLength()).checkLength()) return false;
                if (ip.fragmentOffset() != 0) return true; // no upper-layer header in a later fragment
                if (ip.moreFragments()) return true;       // first fragment: header present, but length unknown
                return switch (ip.protocol()) {
                    case Ipv4Packet.PROTOCOL_ICMP -> icmp.wrap(buf, ip.payloadOffset(), ip.payloadLength()).checkLength();
                    case Ipv4Packet.PROTOCOL_UDP -> udp.wrap(buf, ip.payloadOffset(), ip.payloadLength()).checkLength();
                    case Ipv4Packet.PROTOCOL_TCP -> tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength()).checkLength();
                    default -> true;
                };
            default:
                return true;
        }
    }

    int length() { return buf.capacity(); }
}
