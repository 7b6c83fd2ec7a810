package dev.jslirp.iface;

import dev.jslirp.link.Link;
import dev.jslirp.tcp.GuestSegmentSink;
import dev.jslirp.wire.Checksum;
import dev.jslirp.wire.EthernetFrame;
import dev.jslirp.wire.Icmpv4Packet;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.MacAddress;
import dev.jslirp.wire.TcpOptions;
import dev.jslirp.wire.TcpSegment;
import dev.jslirp.wire.UdpDatagram;
import java.nio.ByteBuffer;

/**
 * Builds frames towards the guest in one preallocated buffer and hands them to the link.
 *
 * <p>Protocol code writes its payload straight into {@link #buffer()} at the offset this
 * class names ({@link #UDP_PAYLOAD_OFFSET}, {@link #IP_PAYLOAD_OFFSET}) and then asks for the
 * headers to be filled in: a UDP datagram read from a host socket lands in its final place
 * and is never copied again. IPv4 datagrams longer than the guest MTU (UDP up to 65507
 * bytes, ICMP) are fragmented (RFC 791) through a second buffer; TCP never needs that, its
 * segments are sized by the MSS.
 */
public final class GuestFrameWriter implements GuestSegmentSink {
    public static final int IP_OFFSET = EthernetFrame.HEADER_LENGTH;
    public static final int IP_PAYLOAD_OFFSET = IP_OFFSET + Ipv4Packet.HEADER_LENGTH;
    public static final int UDP_PAYLOAD_OFFSET = IP_PAYLOAD_OFFSET + UdpDatagram.HEADER_LENGTH;
    public static final int TTL = 64;
    /** Room for the largest IPv4 datagram behind an Ethernet header. */
    public static final int BUFFER_LENGTH = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MAX_LENGTH;

    private final Link link;
    private final Counters counters;
    private final long gatewayMac;
    private final int gatewayAddr;
    /** One frame held back while we ask for the guest's MAC (ARP), sent when the guest answers. */
    private final ByteBuffer pending;
    private int pendingLength;
    private final int mtu;
    private final ByteBuffer tx = ByteBuffer.allocateDirect(BUFFER_LENGTH);
    private final ByteBuffer fragment;
    private long guestMac = MacAddress.BROADCAST;
    private int ident;

    /**
     * @param mtu the guest's IP MTU; frames are also kept within {@code link.maxFrameLength()}
     */
    public GuestFrameWriter(Link link, Counters counters, long gatewayMac, int gatewayAddr, int mtu) {
        this.link = link;
        this.counters = counters;
        this.gatewayMac = gatewayMac;
        this.gatewayAddr = gatewayAddr;
        this.mtu = Math.min(mtu, link.maxFrameLength() - EthernetFrame.HEADER_LENGTH);
        this.fragment = ByteBuffer.allocateDirect(EthernetFrame.HEADER_LENGTH + this.mtu);
        this.pending = ByteBuffer.allocateDirect(EthernetFrame.HEADER_LENGTH + this.mtu);
    }

    /** The largest IP datagram that goes to the guest unfragmented. */
    public int mtu() { return mtu; }

    public ByteBuffer buffer() { return tx; }

    /** The guest's MAC once learned; broadcast until then. A frame held for it goes out now. */
    public void guestMac(long mac) {
        this.guestMac = mac;
        if (pendingLength > 0) {
            MacAddress.write(pending, EthernetFrame.DST_OFFSET, mac);
            int length = pendingLength;
            pendingLength = 0;
            sendFrame(pending, length);
        }
    }

    public long guestMac() { return guestMac; }

    /** Sends a raw Ethernet payload of the given type already written at {@link #IP_OFFSET}. */
    public boolean sendEthernet(long dstMac, int etherType, int payloadLength) {
        EthernetFrame.emit(tx, 0, dstMac, gatewayMac, etherType);
        return sendFrame(tx, EthernetFrame.HEADER_LENGTH + payloadLength);
    }

    /**
     * Sends an IPv4 datagram whose payload ({@code payloadLength} bytes) is already at
     * {@link #IP_PAYLOAD_OFFSET}; fragments it when it exceeds the MTU.
     */
    public boolean sendIpv4(int src, int dst, int protocol, int payloadLength) {
        return sendIpv4(guestMac, src, dst, protocol, payloadLength);
    }

    private boolean sendIpv4(long dstMac, int src, int dst, int protocol, int payloadLength) {
        int id = nextIdent();
        if (Ipv4Packet.HEADER_LENGTH + payloadLength <= mtu) {
            Ipv4Packet.emit(tx, IP_OFFSET, src, dst, protocol, payloadLength, id, TTL);
            EthernetFrame.emit(tx, 0, dstMac, gatewayMac, EthernetFrame.ETHERTYPE_IPV4);
            return sendFrame(tx, IP_PAYLOAD_OFFSET + payloadLength);
        }
        return sendFragmented(dstMac, src, dst, protocol, payloadLength, id);
    }

    /** Sends a UDP datagram whose payload is already at {@link #UDP_PAYLOAD_OFFSET}. */
    public boolean sendUdp(int srcAddr, int srcPort, int dstAddr, int dstPort, int payloadLength) {
        UdpDatagram.emit(tx, IP_PAYLOAD_OFFSET, srcPort, dstPort, payloadLength, srcAddr, dstAddr);
        return sendIpv4(srcAddr, dstAddr, Ipv4Packet.PROTOCOL_UDP, UdpDatagram.HEADER_LENGTH + payloadLength);
    }

    /**
     * Sends a UDP datagram to an explicit Ethernet destination: DHCP replies go to the
     * client's hardware address (or broadcast) before it has an IP address to ARP for.
     */
    public boolean sendUdp(long dstMac, int srcAddr, int srcPort, int dstAddr, int dstPort, int payloadLength) {
        UdpDatagram.emit(tx, IP_PAYLOAD_OFFSET, srcPort, dstPort, payloadLength, srcAddr, dstAddr);
        return sendIpv4(dstMac, srcAddr, dstAddr, Ipv4Packet.PROTOCOL_UDP, UdpDatagram.HEADER_LENGTH + payloadLength);
    }

    /** Sends an ICMP message whose whole body (header included) is at {@link #IP_PAYLOAD_OFFSET}; fills the checksum. */
    public boolean sendIcmp(int srcAddr, int dstAddr, int icmpLength) {
        tx.putShort(IP_PAYLOAD_OFFSET + Icmpv4Packet.CHECKSUM_OFFSET, (short) 0);
        tx.putShort(IP_PAYLOAD_OFFSET + Icmpv4Packet.CHECKSUM_OFFSET, (short) Checksum.compute(tx, IP_PAYLOAD_OFFSET, icmpLength));
        return sendIpv4(srcAddr, dstAddr, Ipv4Packet.PROTOCOL_ICMP, icmpLength);
    }

    /**
     * Sends an ICMP error (RFC 792) about a packet the guest sent: the original IP header
     * and the first 8 bytes of its payload are quoted.
     */
    public boolean sendIcmpError(int type, int code, int srcAddr, Ipv4Packet original) {
        int quoted = Math.min(original.totalLength(), original.headerLength() + 8);
        Icmpv4Packet.emitHeader(tx, IP_PAYLOAD_OFFSET, type, code, 0);
        ByteBuffer from = original.buffer();
        int at = original.offset();
        for (int i = 0; i < quoted; i++) {
            tx.put(IP_PAYLOAD_OFFSET + Icmpv4Packet.HEADER_LENGTH + i, from.get(at + i));
        }
        return sendIcmp(srcAddr, original.src(), Icmpv4Packet.HEADER_LENGTH + quoted);
    }

    /**
     * An ICMP error about a flow whose original packet is gone (a host socket failed later):
     * it quotes a header of the guest's flow, as its packet would have looked — IPv4 header
     * and the first 8 bytes of TCP (ports, sequence number) or UDP (ports, length, checksum).
     * @param tcpSeq for TCP, the sequence number to quote: Linux ignores an error whose quoted
     *     sequence is outside what it has in flight
     */
    public boolean sendIcmpErrorAboutFlow(int type, int code, int protocol, int guestAddr, int guestPort,
                                          int peerAddr, int peerPort, int tcpSeq) {
        int quote = IP_PAYLOAD_OFFSET + Icmpv4Packet.HEADER_LENGTH;
        Icmpv4Packet.emitHeader(tx, IP_PAYLOAD_OFFSET, type, code, 0);
        Ipv4Packet.emit(tx, quote, guestAddr, peerAddr, protocol, 8, 0, TTL);
        int l4 = quote + Ipv4Packet.HEADER_LENGTH;
        tx.putShort(l4, (short) guestPort);
        tx.putShort(l4 + 2, (short) peerPort);
        if (protocol == Ipv4Packet.PROTOCOL_TCP) {
            tx.putInt(l4 + 4, tcpSeq);
        } else {
            tx.putShort(l4 + 4, (short) UdpDatagram.HEADER_LENGTH);
            tx.putShort(l4 + 6, (short) 0);
        }
        return sendIcmp(peerAddr, guestAddr, Icmpv4Packet.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH + 8);
    }

    @Override
    public int maxSegmentPayload(int mss) {
        if ((link.offloads() & Link.OFFLOAD_TSO4) == 0) return mss;
        int room = Ipv4Packet.MAX_LENGTH - Ipv4Packet.HEADER_LENGTH - TcpSegment.MAX_HEADER_LENGTH;
        return Math.max(mss, room / mss * mss); // whole segments: the guest sees MSS-sized packets
    }

    @Override
    public boolean sendSegment(int guestAddr, int guestPort, int peerAddr, int peerPort, int seq, int ack, int flags,
                               int window, int mss, int windowScale, boolean sackPermitted,
                               ByteBuffer data, int dataOffset, int dataLength) {
        return sendSegment(guestAddr, guestPort, peerAddr, peerPort, seq, ack, flags, window, mss, windowScale,
                sackPermitted, data, dataOffset, dataLength, Integer.MAX_VALUE, 0);
    }

    @Override
    public boolean sendSegment(int guestAddr, int guestPort, int peerAddr, int peerPort, int seq, int ack, int flags,
                               int window, int mss, int windowScale, boolean sackPermitted,
                               ByteBuffer data, int dataOffset, int dataLength, int segmentSize, long dataAddress) {
        int tcp = IP_PAYLOAD_OFFSET;
        int options = 0;
        if (mss >= 0) options += TcpOptions.emitMss(tx, tcp + TcpSegment.HEADER_LENGTH + options, mss);
        if (windowScale >= 0) options += TcpOptions.emitWindowScale(tx, tcp + TcpSegment.HEADER_LENGTH + options, windowScale);
        if (sackPermitted) options += TcpOptions.emitSackPermitted(tx, tcp + TcpSegment.HEADER_LENGTH + options);
        TcpSegment.emitHeader(tx, tcp, peerPort, guestPort, seq, ack, flags, window, options);
        int headerLength = TcpSegment.HEADER_LENGTH + options;
        int length = headerLength + dataLength;
        int offloads = link.offloads();
        boolean offload = (offloads & Link.OFFLOAD_CHECKSUM) != 0 && guestMac != MacAddress.BROADCAST;
        if (offload && dataLength > 0 && dataAddress != 0 && (offloads & Link.OFFLOAD_GATHER) != 0) {
            // The payload leaves from where it is (the flow's send ring): no copy into the frame.
            return sendTcpOffloaded(peerAddr, guestAddr, headerLength, length,
                    dataLength > segmentSize ? segmentSize : 0, dataAddress + dataOffset);
        }
        if (dataLength > 0) {
            tx.put(tcp + headerLength, data, dataOffset, dataLength);
        }
        if (offload) {
            return sendTcpOffloaded(peerAddr, guestAddr, headerLength, length, dataLength > segmentSize ? segmentSize : 0, 0);
        }
        TcpSegment.fillChecksum(tx, tcp, length, peerAddr, guestAddr);
        return sendIpv4(peerAddr, guestAddr, Ipv4Packet.PROTOCOL_TCP, length);
    }

    /**
     * The guest's kernel completes the checksum (virtio NEEDS_CSUM) and, for a TSO segment,
     * cuts the payload into {@code gsoSize} pieces: we write one header and never sum the
     * payload. The checksum field carries the pseudo-header sum, uncomplemented, as a NIC
     * expects it for a partial checksum.
     * @param payloadAddress 0 when the payload follows the header in {@code tx}, else where it
     *     is in native memory (the link gathers it)
     */
    private boolean sendTcpOffloaded(int src, int dst, int tcpHeaderLength, int tcpLength, int gsoSize,
                                     long payloadAddress) {
        int partial = ~Checksum.fold(Checksum.pseudoHeaderV4(src, dst, Ipv4Packet.PROTOCOL_TCP, tcpLength)) & 0xFFFF;
        tx.putShort(IP_PAYLOAD_OFFSET + TcpSegment.CHECKSUM_OFFSET, (short) partial);
        Ipv4Packet.emit(tx, IP_OFFSET, src, dst, Ipv4Packet.PROTOCOL_TCP, tcpLength, nextIdent(), TTL);
        EthernetFrame.emit(tx, 0, guestMac, gatewayMac, EthernetFrame.ETHERTYPE_IPV4);
        int frameLength = IP_PAYLOAD_OFFSET + tcpLength;
        int headerLength = IP_PAYLOAD_OFFSET + tcpHeaderLength;
        boolean sent = payloadAddress == 0
                ? link.sendOffloaded(tx, 0, frameLength, gsoSize, headerLength, IP_PAYLOAD_OFFSET, TcpSegment.CHECKSUM_OFFSET)
                : link.sendOffloadedGather(tx, 0, headerLength, payloadAddress, frameLength - headerLength, gsoSize,
                        IP_PAYLOAD_OFFSET, TcpSegment.CHECKSUM_OFFSET);
        if (sent) {
            counters.framesToGuest++;
            return true;
        }
        counters.framesToGuestDropped++;
        return false;
    }

    private boolean sendFragmented(long dstMac, int src, int dst, int protocol, int payloadLength, int id) {
        int perFragment = (mtu - Ipv4Packet.HEADER_LENGTH) & ~7; // offsets count in 8-byte units
        boolean allSent = true;
        for (int done = 0; done < payloadLength; done += perFragment) {
            int length = Math.min(perFragment, payloadLength - done);
            boolean more = done + length < payloadLength;
            Ipv4Packet.emit(fragment, IP_OFFSET, src, dst, protocol, length, id, TTL);
            int flagsAndOffset = (more ? Ipv4Packet.FLAG_MF : 0) | (done >>> 3);
            fragment.putShort(IP_OFFSET + Ipv4Packet.FLAGS_FRAGMENT_OFFSET, (short) flagsAndOffset);
            fragment.putShort(IP_OFFSET + Ipv4Packet.CHECKSUM_OFFSET, (short) 0);
            fragment.putShort(IP_OFFSET + Ipv4Packet.CHECKSUM_OFFSET,
                    (short) Checksum.compute(fragment, IP_OFFSET, Ipv4Packet.HEADER_LENGTH));
            fragment.put(IP_PAYLOAD_OFFSET, tx, IP_PAYLOAD_OFFSET + done, length);
            EthernetFrame.emit(fragment, 0, dstMac, gatewayMac, EthernetFrame.ETHERTYPE_IPV4);
            allSent &= sendFrame(fragment, IP_PAYLOAD_OFFSET + length);
            counters.fragmentsSentToGuest++;
        }
        return allSent;
    }

    private boolean sendFrame(ByteBuffer frame, int length) {
        if (guestMac == MacAddress.BROADCAST && MacAddress.read(frame, EthernetFrame.DST_OFFSET) == MacAddress.BROADCAST
                && isUnicastIpv4(frame, length)) {
            // Linux drops unicast IP in a broadcast frame (the packet type is not "host"), so
            // before the guest has said anything (a port forward's first SYN) ask for its MAC.
            return holdAndAskForGuestMac(frame, length);
        }
        if (link.send(frame, 0, length)) {
            counters.framesToGuest++;
            return true;
        }
        counters.framesToGuestDropped++;
        return false;
    }

    private static boolean isUnicastIpv4(ByteBuffer frame, int length) {
        if (length < IP_PAYLOAD_OFFSET || frame.getShort(EthernetFrame.ETHERTYPE_OFFSET) != EthernetFrame.ETHERTYPE_IPV4) return false;
        int dst = frame.getInt(IP_OFFSET + Ipv4Packet.DST_OFFSET);
        return dst != -1 && !dev.jslirp.wire.Ipv4Address.isMulticast(dst);
    }

    private boolean holdAndAskForGuestMac(ByteBuffer frame, int length) {
        if (length > pending.capacity()) {
            counters.framesToGuestDropped++;
            return false;
        }
        if (pendingLength > 0) counters.framesToGuestDropped++; // only the newest waits
        pending.put(0, frame, 0, length);
        pendingLength = length;
        int target = frame.getInt(IP_OFFSET + Ipv4Packet.DST_OFFSET);
        EthernetFrame.emit(fragment, 0, MacAddress.BROADCAST, gatewayMac, EthernetFrame.ETHERTYPE_ARP);
        dev.jslirp.wire.ArpPacket.emit(fragment, IP_OFFSET, dev.jslirp.wire.ArpPacket.OPER_REQUEST, gatewayMac, gatewayAddr,
                MacAddress.ZERO, target);
        boolean sent = link.send(fragment, 0, IP_OFFSET + dev.jslirp.wire.ArpPacket.LENGTH);
        if (sent) counters.arpRequestsSent++;
        return sent;
    }

    private int nextIdent() {
        ident = (ident + 1) & 0xFFFF;
        return ident;
    }
}
