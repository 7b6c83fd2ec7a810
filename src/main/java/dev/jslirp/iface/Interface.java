package dev.jslirp.iface;

import dev.jslirp.config.Config;
import dev.jslirp.wire.ArpPacket;
import dev.jslirp.wire.Checksum;
import dev.jslirp.wire.EthernetFrame;
import dev.jslirp.wire.Icmpv4Packet;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.MacAddress;
import java.nio.ByteBuffer;

/**
 * The gateway's network interface on the virtual link: the L2/L3 demultiplexer.
 *
 * <p>Theory of operation: every frame from the guest goes through {@link #receive}. ARP
 * requests for the virtual addresses (gateway, DNS) are answered here, and never for any
 * other address, so the guest's duplicate-address detection and its own address stay its
 * business. IPv4 is checked (length, header checksum, source address), fragments are
 * reassembled, echo requests to the virtual addresses are answered here, and everything
 * else goes to the handler of its protocol (TCP, UDP, ICMP relay). The guest's MAC is
 * learned from its frames. Nothing here throws on guest input: bad frames are counted in
 * {@link Counters} and dropped.
 */
public final class Interface {
    /** Handlers for what the interface does not answer itself. */
    public record Handlers(GuestIpHandler tcp, GuestIpHandler udp, GuestIpHandler icmp) {}

    private final Config config;
    private final Counters counters;
    private final GuestFrameWriter writer;
    private final Ipv4Reassembler reassembler;
    private final ByteBuffer reassembled = ByteBuffer.allocateDirect(Ipv4Packet.MAX_LENGTH);
    private final EthernetFrame frame = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final Icmpv4Packet icmp = new Icmpv4Packet();
    private final dev.jslirp.wire.UdpDatagram udp = new dev.jslirp.wire.UdpDatagram();
    private Handlers handlers;
    private int guestAddr;

    public Interface(Config config, Counters counters, GuestFrameWriter writer, Ipv4Reassembler reassembler) {
        this.config = config;
        this.counters = counters;
        this.writer = writer;
        this.reassembler = reassembler;
    }

    public void handlers(Handlers handlers) { this.handlers = handlers; }

    public GuestFrameWriter writer() { return writer; }

    public Counters counters() { return counters; }

    /** The guest's IPv4 address as last seen in its traffic, or 0. */
    public int guestAddr() { return guestAddr; }

    /** Handles one frame from the guest. The buffer is only read during the call. */
    public void receive(ByteBuffer buf, int offset, int length, long nowNs) {
        receive(buf, offset, length, false, nowNs);
    }

    /**
     * @param checksumTrusted the link says the guest's kernel left the transport checksum for
     *     the device (virtio NEEDS_CSUM) or declared it valid: do not verify it
     */
    public void receive(ByteBuffer buf, int offset, int length, boolean checksumTrusted, long nowNs) {
        counters.framesFromGuest++;
        frame.wrap(buf, offset, length);
        if (!frame.checkLength()) {
            counters.dropShortFrame++;
            return;
        }
        long dst = frame.dst();
        if (dst != config.gatewayMac() && !MacAddress.isBroadcast(dst)) {
            // Multicast (IPv6 neighbour discovery, mDNS) and frames for other MACs: nobody here.
            counters.dropNotForUs++;
            return;
        }
        long src = frame.src();
        switch (frame.etherType()) {
            case EthernetFrame.ETHERTYPE_ARP -> onArp(src, nowNs);
            case EthernetFrame.ETHERTYPE_IPV4 -> onIpv4(src, checksumTrusted, nowNs);
            default -> counters.dropUnknownEtherType++;
        }
    }

    /** Expires stale reassembly state. */
    public void onTimer(long nowNs) { reassembler.expire(nowNs); }

    public long nextDeadlineNs() { return reassembler.nextDeadlineNs(); }

    private void onArp(long srcMac, long nowNs) {
        arp.wrap(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
        if (!arp.checkLength()) {
            counters.dropArpMalformed++;
            return;
        }
        int targetIp = arp.targetIp();
        int senderIp = arp.senderIp();
        learnMac(srcMac);
        if (arp.oper() != ArpPacket.OPER_REQUEST || senderIp == targetIp) {
            // Replies and gratuitous announcements: the MAC is learned, nothing to answer.
            counters.arpIgnored++;
            return;
        }
        if (targetIp != config.gateway() && targetIp != config.dns()) {
            counters.arpIgnored++;
            return;
        }
        // RFC 826: reply to the requester's hardware address, with our address as sender.
        long requesterMac = arp.senderMac();
        ArpPacket.emit(writer.buffer(), GuestFrameWriter.IP_OFFSET, ArpPacket.OPER_REPLY,
                config.gatewayMac(), targetIp, requesterMac, senderIp);
        writer.sendEthernet(requesterMac, EthernetFrame.ETHERTYPE_ARP, ArpPacket.LENGTH);
        counters.arpRequestsAnswered++;
    }

    private void onIpv4(long srcMac, boolean checksumTrusted, long nowNs) {
        ip.wrap(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
        if (!ip.checkLength()) {
            counters.dropIpMalformed++;
            return;
        }
        if (!ip.verifyChecksum()) {
            counters.dropIpChecksum++;
            return;
        }
        int src = ip.src();
        if (!validSource(src)) {
            counters.dropIpSourceInvalid++;
            return;
        }
        learnMac(srcMac);
        if (src != 0) guestAddr = src;
        if (ip.isFragment()) {
            counters.fragmentsReceived++;
            int length = reassembler.offer(ip, nowNs, reassembled, 0);
            if (length <= 0) {
                if (length < 0) counters.fragmentsDropped++;
                return;
            }
            counters.datagramsReassembled++;
            checksumTrusted = false; // offloads never cover fragments
            ip.wrap(reassembled, 0, length);
            if (!ip.checkLength()) {
                counters.dropIpMalformed++;
                return;
            }
        }
        int dst = ip.dst();
        switch (ip.protocol()) {
            case Ipv4Packet.PROTOCOL_ICMP -> onIcmp(nowNs);
            case Ipv4Packet.PROTOCOL_TCP -> {
                if (!checksumTrusted && !tcpChecksumOk()) {
                    counters.dropTcpChecksum++;
                    return;
                }
                dispatch(handlers.tcp(), dst, nowNs);
            }
            case Ipv4Packet.PROTOCOL_UDP -> {
                if (!checksumTrusted && !udpChecksumOk()) {
                    counters.dropUdpChecksum++;
                    return;
                }
                handlers.udp().onGuestPacket(ip, nowNs); // not dispatch(): DHCP comes broadcast
            }
            default -> counters.dropUnknownProtocol++;
        }
    }

    private void dispatch(GuestIpHandler handler, int dst, long nowNs) {
        if (dst == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(dst) || dst == config.network().broadcast()) {
            counters.dropIpDestination++;
            return;
        }
        handler.onGuestPacket(ip, nowNs);
    }

    private void onIcmp(long nowNs) {
        int dst = ip.dst();
        icmp.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        if (!icmp.checkLength() || !icmp.verifyChecksum()) {
            counters.dropIcmpMalformed++;
            return;
        }
        if (dst == config.gateway() || dst == config.dns()) {
            if (icmp.type() != Icmpv4Packet.TYPE_ECHO_REQUEST || ip.src() == 0) {
                counters.dropIcmpUnsupported++;
                return;
            }
            answerEcho();
            return;
        }
        dispatch(handlers.icmp(), dst, nowNs);
    }

    /** RFC 792: the echo reply carries the request's identifier, sequence number and data. */
    private void answerEcho() {
        int length = icmp.length();
        ByteBuffer out = writer.buffer();
        out.put(GuestFrameWriter.IP_PAYLOAD_OFFSET, ip.buffer(), ip.payloadOffset(), length);
        out.put(GuestFrameWriter.IP_PAYLOAD_OFFSET + Icmpv4Packet.TYPE_OFFSET, (byte) Icmpv4Packet.TYPE_ECHO_REPLY);
        out.put(GuestFrameWriter.IP_PAYLOAD_OFFSET + Icmpv4Packet.CODE_OFFSET, (byte) 0);
        writer.sendIcmp(ip.dst(), ip.src(), length);
        counters.icmpEchoAnswered++;
    }

    /**
     * The guest may only speak from an address of the virtual network that is not one of
     * ours (or from 0.0.0.0, as a DHCP client does); anything else is forged.
     */
    private boolean validSource(int src) {
        if (src == 0) return true;
        return config.network().contains(src) && src != config.gateway() && src != config.dns()
                && src != config.network().network() && src != config.network().broadcast();
    }

    private void learnMac(long mac) {
        if (!MacAddress.isMulticast(mac) && mac != MacAddress.ZERO && mac != writer.guestMac()) {
            writer.guestMac(mac);
        }
    }

    /** RFC 9293 §3.1: the checksum covers the pseudo-header and the whole segment. */
    private boolean tcpChecksumOk() {
        return Checksum.fold(Checksum.add(ip.pseudoHeaderSum(), ip.buffer(), ip.payloadOffset(), ip.payloadLength())) == 0;
    }

    /** RFC 768, over the UDP length (which may be shorter than the IP payload); a malformed header is the handler's to count. */
    private boolean udpChecksumOk() {
        udp.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        return !udp.checkLength() || udp.verifyChecksum(ip.src(), ip.dst());
    }
}
