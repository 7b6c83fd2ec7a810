package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * A TCP header with the options we understand, as a value (RFC 9293 §3.1, RFC 7323,
 * RFC 2018). For control paths (SYN, RST), logging and tests; the data path reads
 * {@link TcpSegment} with a reused {@link TcpOptions}. The payload is not part of the value.
 *
 * <p>{@link #emit} lays options out as Linux does ({@code tcp_options_write}): MSS, then
 * SACK-permitted packed with timestamps (or each NOP-padded alone), then NOP + window
 * scale. The urgent pointer is always written as 0 and not represented.
 *
 * @param mss MSS option value, or -1 when absent
 * @param windowScale window scale shift 0..14, or -1 when absent
 * @param timestamps whether the timestamps option is present; tsVal and tsEcr are 0 when not
 */
public record TcpRepr(int srcPort, int dstPort, int seq, int ack, int flags, int window,
                      int mss, int windowScale, boolean sackPermitted, boolean timestamps, int tsVal, int tsEcr) {

    public TcpRepr {
        if ((srcPort & ~0xFFFF) != 0 || (dstPort & ~0xFFFF) != 0 || (flags & ~0xFF) != 0 || (window & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("field out of range");
        }
        if (mss < -1 || mss > 0xFFFF || windowScale < -1 || windowScale > TcpOptions.MAX_WINDOW_SCALE) {
            throw new IllegalArgumentException("option out of range: mss " + mss + " wscale " + windowScale);
        }
        if (!timestamps) {
            tsVal = 0;
            tsEcr = 0;
        }
    }

    /** A segment without options. */
    public static TcpRepr of(int srcPort, int dstPort, int seq, int ack, int flags, int window) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, -1, -1, false, false, 0, 0);
    }

    /**
     * The header of a segment carried between {@code srcAddr} and {@code dstAddr}, or null
     * when its length is inconsistent, its checksum wrong or its option list malformed.
     */
    public static TcpRepr parse(TcpSegment segment, int srcAddr, int dstAddr, TcpOptions options) {
        if (!segment.checkLength()) return null;
        int pseudo = Checksum.pseudoHeaderV4(srcAddr, dstAddr, Ipv4Packet.PROTOCOL_TCP, segment.length());
        if (!segment.verifyChecksum(pseudo)) return null;
        if (!options.parse(segment)) return null;
        return new TcpRepr(segment.srcPort(), segment.dstPort(), segment.seq(), segment.ackNumber(), segment.flags(),
                segment.window(), options.mss, options.windowScale, options.sackPermitted, options.hasTimestamps,
                options.tsVal, options.tsEcr);
    }

    public static TcpRepr parse(TcpSegment segment, int srcAddr, int dstAddr) {
        return parse(segment, srcAddr, dstAddr, new TcpOptions());
    }

    public int optionsLength() {
        int length = mss >= 0 ? 4 : 0;
        if (timestamps) length += 12;
        else if (sackPermitted) length += 4;
        if (windowScale >= 0) length += 4;
        return length;
    }

    public int headerLength() { return TcpSegment.HEADER_LENGTH + optionsLength(); }

    /**
     * Writes header and options at {@code offset}, then the checksum over them and the
     * {@code payloadLength} bytes already at {@code offset + headerLength()}; returns the
     * segment length.
     */
    public int emit(ByteBuffer buf, int offset, int payloadLength, int srcAddr, int dstAddr) {
        int optionsLength = optionsLength();
        TcpSegment.emitHeader(buf, offset, srcPort, dstPort, seq, ack, flags, window, optionsLength);
        int o = offset + TcpSegment.HEADER_LENGTH;
        if (mss >= 0) o += TcpOptions.emitMss(buf, o, mss);
        if (timestamps && sackPermitted) {
            // Linux packs SACK-permitted into the two bytes that would otherwise be NOP NOP.
            buf.put(o, (byte) TcpOptions.KIND_SACK_PERMITTED);
            buf.put(o + 1, (byte) 2);
            buf.put(o + 2, (byte) TcpOptions.KIND_TIMESTAMPS);
            buf.put(o + 3, (byte) 10);
            buf.putInt(o + 4, tsVal);
            buf.putInt(o + 8, tsEcr);
            o += 12;
        } else if (timestamps) {
            o += TcpOptions.emitTimestamps(buf, o, tsVal, tsEcr);
        } else if (sackPermitted) {
            o += TcpOptions.emitSackPermitted(buf, o);
        }
        if (windowScale >= 0) o += TcpOptions.emitWindowScale(buf, o, windowScale);
        assert o == offset + TcpSegment.HEADER_LENGTH + optionsLength;
        int length = TcpSegment.HEADER_LENGTH + optionsLength + payloadLength;
        TcpSegment.fillChecksum(buf, offset, length, srcAddr, dstAddr);
        return length;
    }

    public TcpRepr withFlags(int f) { return new TcpRepr(srcPort, dstPort, seq, ack, f, window, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr); }
    public TcpRepr withSeq(int s) { return new TcpRepr(srcPort, dstPort, s, ack, flags, window, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr); }
    public TcpRepr withAck(int a) { return new TcpRepr(srcPort, dstPort, seq, a, flags, window, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr); }
    public TcpRepr withWindow(int w) { return new TcpRepr(srcPort, dstPort, seq, ack, flags, w, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr); }
    public TcpRepr withTimestamps(int val, int ecr) { return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, mss, windowScale, sackPermitted, true, val, ecr); }
    public TcpRepr withoutOptions() { return of(srcPort, dstPort, seq, ack, flags, window); }

    /** tcpdump style: {@code TCP 52710 > 6000 [S] seq 1 ack 0 win 64240 [mss 1460,sackOK,TS val 7 ecr 0,wscale 10]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TCP ").append(srcPort).append(" > ").append(dstPort)
                .append(" [").append(TcpSegment.flagsToString(flags)).append("] seq ").append(Integer.toUnsignedString(seq))
                .append(" ack ").append(Integer.toUnsignedString(ack)).append(" win ").append(window);
        if (optionsLength() > 0) {
            sb.append(" [");
            String sep = "";
            if (mss >= 0) { sb.append("mss ").append(mss); sep = ","; }
            if (sackPermitted) { sb.append(sep).append("sackOK"); sep = ","; }
            if (timestamps) {
                sb.append(sep).append("TS val ").append(Integer.toUnsignedString(tsVal))
                        .append(" ecr ").append(Integer.toUnsignedString(tsEcr));
                sep = ",";
            }
            if (windowScale >= 0) sb.append(sep).append("wscale ").append(windowScale);
            sb.append(']');
        }
        return sb.toString();
    }
}
