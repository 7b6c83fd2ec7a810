package dev.jslirp.config;

import dev.jslirp.wire.Ipv4Address;

/** An IPv4 address and port, parsed from {@code ADDR[:PORT]}. */
public record SocketAddressV4(int addr, int port) {
    public SocketAddressV4 {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }

    public static SocketAddressV4 parse(String text, int defaultPort) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) return new SocketAddressV4(Ipv4Address.parse(text), defaultPort);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + text + "'");
        }
        return new SocketAddressV4(Ipv4Address.parse(text.substring(0, colon)), port);
    }

    @Override
    public String toString() { return Ipv4Address.toString(addr) + ":" + port; }
}
