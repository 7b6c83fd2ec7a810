package dev.jslirp.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * Loads {@code src/test/resources/frames/NAME.hex}: lines starting with {@code #} say where
 * the bytes came from, the rest is hex with whitespace ignored.
 */
public final class HexFixtures {
    /** Every fixture, for tests that run over all of them. */
    public static final List<String> ALL = List.of(
            "arp_request", "arp_reply", "icmp_echo_request", "icmp_echo_reply", "icmp_port_unreachable",
            "ipv4_record_route", "ipv4_fragment_1", "ipv4_fragment_2", "ipv4_fragment_3",
            "udp_datagram", "udp_to_closed_port",
            "tcp_syn", "tcp_syn_ack", "tcp_ack", "tcp_data", "tcp_fin", "tcp_rst");

    private HexFixtures() {}

    public static byte[] bytes(String name) {
        String resource = "/frames/" + name + ".hex";
        try (InputStream in = HexFixtures.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + resource);
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("#")) continue;
                for (int i = 0; i < line.length(); i++) {
                    char c = line.charAt(i);
                    if (!Character.isWhitespace(c)) hex.append(c);
                }
            }
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture in a direct buffer (position 0, limit = length), as frames arrive from a Link. */
    public static ByteBuffer direct(String name) {
        return toDirect(bytes(name));
    }

    public static ByteBuffer toDirect(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
        buf.put(0, bytes);
        return buf;
    }

    /** A direct buffer of {@code length} bytes, every byte 0xA5, so unwritten bytes show up in comparisons. */
    public static ByteBuffer filledA5(int length) {
        ByteBuffer buf = ByteBuffer.allocateDirect(length);
        for (int i = 0; i < length; i++) buf.put(i, (byte) 0xA5);
        return buf;
    }

    public static byte[] toArray(ByteBuffer buf, int offset, int length) {
        byte[] a = new byte[length];
        buf.get(offset, a);
        return a;
    }
}
