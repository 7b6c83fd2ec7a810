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
            // Character.digit, not Integer.parseInt: parseInt accepts a sign ("-1") and non-ASCII digits.
            int hi = p.length() == 2 && p.charAt(0) < 0x80 ? Character.digit(p.charAt(0), 16) : -1;
            int lo = p.length() == 2 && p.charAt(1) < 0x80 ? Character.digit(p.charAt(1), 16) : -1;
            if (hi < 0 || lo < 0) throw new IllegalArgumentException("not a MAC address: " + text);
            mac = (mac << 8) | (hi << 4) | lo;
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
