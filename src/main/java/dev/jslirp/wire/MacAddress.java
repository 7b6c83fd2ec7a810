package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * A 48-bit Ethernet address, carried as the low 48 bits of a {@code long} so that the
 * per-frame path never allocates one.
 */
public final class MacAddress {
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    public static final long ZERO = 0L;
    /** jslirp's own address on the virtual link, as libslirp's 52:55:0a:00:02:02 (locally administered). */
    public static final long GATEWAY_DEFAULT = 0x5255_0A00_0202L;

    private MacAddress() {}

    public static long read(ByteBuffer buf, int offset) {
        return ((long) (buf.getShort(offset) & 0xFFFF) << 32) | (buf.getInt(offset + 2) & 0xFFFF_FFFFL);
    }

    public static void write(ByteBuffer buf, int offset, long mac) {
        buf.putShort(offset, (short) (mac >>> 32));
        buf.putInt(offset + 2, (int) mac);
    }

    public static boolean isMulticast(long mac) { return ((mac >>> 40) & 1) != 0; }

    public static boolean isBroadcast(long mac) { return mac == BROADCAST; }

    public static long parse(String text) {
        String[] parts = text.split(":");
        if (parts.length != 6) throw new IllegalArgumentException("not a MAC address: " + text);
        long mac = 0;
        for (String p : parts) {
            if (p.length() != 2) throw new IllegalArgumentException("not a MAC address: " + text);
            mac = (mac << 8) | Integer.parseInt(p, 16);
        }
        return mac;
    }

    public static String toString(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int b = (int) (mac >>> shift) & 0xFF;
            if (sb.length() > 0) sb.append(':');
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
