package dev.jslirp.bench;

import dev.jslirp.wire.EthernetFrame;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.TcpSegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Per-frame parse cost: Ethernet, IPv4 and TCP views over one real 1514-byte frame, with
 * every length check and the header fields the stack reads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WireParseBench {
    private final ByteBuffer frame = ByteBuffer.allocateDirect(2048);
    private int frameLength;
    private final EthernetFrame eth = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final TcpSegment tcp = new TcpSegment();

    @Setup
    public void setUp() {
        frameLength = Frames.tcpData(frame, 1000, 2000, 1460);
    }

    /** Ethernet → IPv4 (header checksum verified) → TCP: checks and fields, no payload checksum. */
    @Benchmark
    public int parseTcpFrame() {
        eth.wrap(frame, 0, frameLength);
        if (!eth.checkLength() || eth.etherType() != EthernetFrame.ETHERTYPE_IPV4) return -1;
        ip.wrap(frame, eth.payloadOffset(), eth.payloadLength());
        if (!ip.checkLength() || !ip.verifyChecksum() || ip.protocol() != Ipv4Packet.PROTOCOL_TCP) return -2;
        tcp.wrap(frame, ip.payloadOffset(), ip.payloadLength());
        if (!tcp.checkLength()) return -3;
        return ip.src() ^ ip.dst() ^ tcp.srcPort() ^ tcp.dstPort() ^ tcp.seq() ^ tcp.ackNumber() ^ tcp.flags()
                ^ tcp.window() ^ tcp.payloadLength() ^ (int) eth.src();
    }

    /** As {@link #parseTcpFrame} plus the TCP checksum over the pseudo-header and 1480 bytes. */
    @Benchmark
    public int parseAndVerifyTcpFrame() {
        int r = parseTcpFrame();
        return tcp.verifyChecksum(ip.pseudoHeaderSum()) ? r : -4;
    }
}
