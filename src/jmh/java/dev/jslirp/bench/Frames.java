package dev.jslirp.bench;

import dev.jslirp.wire.EthernetFrame;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.MacAddress;
import dev.jslirp.wire.TcpSegment;

import java.nio.ByteBuffer;

/** Real frames for the benchmarks: a guest's TCP data segment to the gateway, written as bytes. */
final class Frames {
    static final int GUEST_ADDR = 0x0A00020F;   // 10.0.2.15
    static final int GATEWAY_ADDR = 0x0A000202; // 10.0.2.2
    static final long GUEST_MAC = 0x5255_0A00_020FL;
    static final int GUEST_PORT = 40000;
    static final int PEER_PORT = 8080;
    static final int TCP_OFFSET = EthernetFrame.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH;

    private Frames() {}

    /**
     * Writes Ethernet + IPv4 + TCP (no options) + {@code payloadLength} bytes at 0; returns the
     * frame length. The payload is whatever the buffer holds there.
     */
    static int tcpData(ByteBuffer buf, int seq, int ack, int payloadLength) {
        EthernetFrame.emit(buf, 0, MacAddress.GATEWAY_DEFAULT, GUEST_MAC, EthernetFrame.ETHERTYPE_IPV4);
        int tcpLength = TcpSegment.HEADER_LENGTH + payloadLength;
        Ipv4Packet.emit(buf, EthernetFrame.HEADER_LENGTH, GUEST_ADDR, GATEWAY_ADDR, Ipv4Packet.PROTOCOL_TCP,
                tcpLength, 1, 64);
        rewriteTcp(buf, seq, ack, TcpSegment.ACK | TcpSegment.PSH, payloadLength);
        return TCP_OFFSET + tcpLength;
    }

    /** Rewrites the TCP header and checksum in place (the IPv4 header stays valid). */
    static void rewriteTcp(ByteBuffer buf, int seq, int ack, int flags, int payloadLength) {
        TcpSegment.emitHeader(buf, TCP_OFFSET, GUEST_PORT, PEER_PORT, seq, ack, flags, 512, 0);
        TcpSegment.fillChecksum(buf, TCP_OFFSET, TcpSegment.HEADER_LENGTH + payloadLength, GUEST_ADDR, GATEWAY_ADDR);
    }
}
