package dev.jslirp.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 addresses as {@code int}s in network order (10.0.2.2 is 0x0A000202): no objects per packet. */
public final class Ipv4Address {
    public static final int ANY = 0;
    public static final int BROADCAST = 0xFFFF_FFFF;
    public static final int LOOPBACK = 0x7F00_0001;

    private Ipv4Address() {}

    /** Parses a dotted quad strictly (four decimal octets 0..255); throws IllegalArgumentException otherwise. */
    public static int parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        int addr = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            int v = Integer.parseInt(p);
            if (v > 255) throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            addr = (addr << 8) | v;
        }
        return addr;
    }

    public static String toString(int addr) {
        return (addr >>> 24) + "." + ((addr >>> 16) & 0xFF) + "." + ((addr >>> 8) & 0xFF) + "." + (addr & 0xFF);
    }

    public static boolean isMulticast(int addr) { return (addr >>> 28) == 0xE; }

    public static boolean isLoopback(int addr) { return (addr >>> 24) == 127; }

    public static boolean inSubnet(int addr, int network, int prefixLength) {
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return (addr & mask) == (network & mask);
    }

    public static InetAddress toInetAddress(int addr) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr});
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always a valid address
        }
    }

    public static int fromInetAddress(Inet4Address address) {
        byte[] b = address.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}
