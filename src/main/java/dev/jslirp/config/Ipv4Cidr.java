package dev.jslirp.config;

import dev.jslirp.wire.Ipv4Address;

/** An IPv4 network in CIDR form, e.g. 10.0.2.0/24. The constructor rejects host bits and bad prefixes. */
public record Ipv4Cidr(int network, int prefixLength) {
    public Ipv4Cidr {
        if (prefixLength < 1 || prefixLength > 30) {
            throw new IllegalArgumentException("prefix length must be 1..30, got " + prefixLength);
        }
        if ((network & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException("network " + Ipv4Address.toString(network) + "/" + prefixLength + " has host bits set");
        }
    }

    public static Ipv4Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not a CIDR (ADDR/PREFIX): '" + text + "'");
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR prefix length: '" + text + "'");
        }
        return new Ipv4Cidr(Ipv4Address.parse(text.substring(0, slash)), prefix);
    }

    public int mask() { return mask(prefixLength); }

    public boolean contains(int addr) { return (addr & mask()) == network; }

    /** The address {@code network + hostPart}, e.g. host(2) of 10.0.2.0/24 is 10.0.2.2. */
    public int host(int hostPart) { return network | (hostPart & ~mask()); }

    public int broadcast() { return network | ~mask(); }

    static int mask(int prefixLength) { return prefixLength == 0 ? 0 : -1 << (32 - prefixLength); }

    @Override
    public String toString() { return Ipv4Address.toString(network) + "/" + prefixLength; }
}
