package dev.jslirp.service.dhcp;

import dev.jslirp.wire.DhcpMessage;
import dev.jslirp.wire.Ipv4Address;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the DHCP server hands out. Immutable; the constructor rejects anything a guest could
 * not use, so {@link DhcpServer} never has to check it again.
 *
 * @param network        network address, e.g. 10.0.2.0 (host bits must be zero)
 * @param prefixLength   8..30
 * @param gateway        router option and server identifier (RFC 2132 §9.7): jslirp itself
 * @param dns            DNS server option
 * @param dhcpStart      first pool address
 * @param poolSize       number of consecutive pool addresses from {@code dhcpStart}
 * @param leaseSeconds   lease time (option 51); T1 is half of it, T2 seven eighths (RFC 2131 §4.4.5)
 * @param mtu            interface MTU option 26, when set (68..65535, RFC 2132 §5.1)
 * @param domainName     domain name option 15, when set
 * @param searchDomains  domain search list option 119 (RFC 3397), empty for none
 */
public record DhcpConfig(int network, int prefixLength, int gateway, int dns, int dhcpStart, int poolSize,
        int leaseSeconds, OptionalInt mtu, Optional<String> domainName, List<String> searchDomains) {

    public static final int DEFAULT_NETWORK = 0x0A00_0200;       // 10.0.2.0
    public static final int DEFAULT_PREFIX_LENGTH = 24;
    public static final int DEFAULT_GATEWAY = 0x0A00_0202;       // 10.0.2.2
    public static final int DEFAULT_DNS = 0x0A00_0203;           // 10.0.2.3
    public static final int DEFAULT_DHCP_START = 0x0A00_020F;    // 10.0.2.15, as libslirp
    public static final int DEFAULT_POOL_SIZE = 16;
    public static final int DEFAULT_LEASE_SECONDS = 86_400;
    /** Below a minute T1/T2 would have clients renewing constantly. */
    public static final int MIN_LEASE_SECONDS = 60;
    public static final int MAX_POOL_SIZE = 4096;

    /**
     * Our fixed options (53, 54, 51, 58, 59, 1, 3, 6, 26 and the end option) take 56 bytes; what is
     * left of a 548-byte message after the 240-byte header is for options 15 and 119, so every
     * reply fits in the 576-byte datagram every client must accept (RFC 2131 §2).
     */
    static final int FIXED_OPTIONS_LENGTH = 3 + 6 + 6 + 6 + 6 + 6 + 6 + 6 + 4 + 1;
    static final int MAX_OPTIONS_LENGTH = DhcpMessage.DEFAULT_MAX_MESSAGE_LENGTH - DhcpMessage.HEADER_LENGTH;

    public DhcpConfig {
        Objects.requireNonNull(mtu, "mtu");
        Objects.requireNonNull(domainName, "domainName");
        searchDomains = List.copyOf(searchDomains);
        if (prefixLength < 8 || prefixLength > 30) throw new IllegalArgumentException("prefix length must be 8..30: " + prefixLength);
        int mask = netmask(prefixLength);
        if ((network & ~mask) != 0) throw new IllegalArgumentException("network address has host bits set: "
                + Ipv4Address.toString(network) + "/" + prefixLength);
        requireHost("gateway", gateway, network, prefixLength);
        requireHost("dns", dns, network, prefixLength);
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) throw new IllegalArgumentException("pool size must be 1.." + MAX_POOL_SIZE + ": " + poolSize);
        requireHost("dhcp start", dhcpStart, network, prefixLength);
        long last = (dhcpStart & 0xFFFF_FFFFL) + poolSize - 1;
        if (last > 0xFFFF_FFFFL) throw new IllegalArgumentException("DHCP pool wraps past 255.255.255.255");
        requireHost("last pool address", (int) last, network, prefixLength);
        if (inPool(gateway, dhcpStart, poolSize)) throw new IllegalArgumentException("DHCP pool contains the gateway " + Ipv4Address.toString(gateway));
        if (inPool(dns, dhcpStart, poolSize)) throw new IllegalArgumentException("DHCP pool contains the DNS address " + Ipv4Address.toString(dns));
        if (leaseSeconds < MIN_LEASE_SECONDS) throw new IllegalArgumentException("lease time must be at least " + MIN_LEASE_SECONDS + " s: " + leaseSeconds);
        if (mtu.isPresent() && (mtu.getAsInt() < 68 || mtu.getAsInt() > 65535)) throw new IllegalArgumentException("MTU must be 68..65535: " + mtu.getAsInt());
        int optionsLength = FIXED_OPTIONS_LENGTH;
        if (domainName.isPresent()) {
            optionsLength += 2 + DomainSearchOption.asciiName(domainName.get()).length;
        }
        if (!searchDomains.isEmpty()) {
            byte[] encoded = DomainSearchOption.encode(searchDomains);
            if (encoded.length > 255) throw new IllegalArgumentException("domain search list too long for one option (" + encoded.length + " bytes)");
            optionsLength += 2 + encoded.length;
        }
        if (optionsLength > MAX_OPTIONS_LENGTH) throw new IllegalArgumentException("domain name and search list too long: DHCP replies would exceed 576 bytes");
    }

    /** 10.0.2.0/24, gateway 10.0.2.2, DNS 10.0.2.3, 16 addresses from 10.0.2.15, one-day leases. */
    public static DhcpConfig defaults() {
        return new DhcpConfig(DEFAULT_NETWORK, DEFAULT_PREFIX_LENGTH, DEFAULT_GATEWAY, DEFAULT_DNS, DEFAULT_DHCP_START,
                DEFAULT_POOL_SIZE, DEFAULT_LEASE_SECONDS, OptionalInt.empty(), Optional.empty(), List.of());
    }

    public int netmask() { return netmask(prefixLength); }

    public int broadcast() { return network | ~netmask(); }

    /** True if {@code addr} is a usable host address of our network (not the network or broadcast address). */
    public boolean isHost(int addr) {
        return Ipv4Address.inSubnet(addr, network, prefixLength) && addr != network && addr != broadcast();
    }

    public DhcpConfig withPoolSize(int size) {
        return new DhcpConfig(network, prefixLength, gateway, dns, dhcpStart, size, leaseSeconds, mtu, domainName, searchDomains);
    }

    public DhcpConfig withLeaseSeconds(int seconds) {
        return new DhcpConfig(network, prefixLength, gateway, dns, dhcpStart, poolSize, seconds, mtu, domainName, searchDomains);
    }

    public DhcpConfig withNames(OptionalInt newMtu, Optional<String> newDomainName, List<String> newSearch) {
        return new DhcpConfig(network, prefixLength, gateway, dns, dhcpStart, poolSize, leaseSeconds, newMtu, newDomainName, newSearch);
    }

    static int netmask(int prefixLength) { return prefixLength == 0 ? 0 : -1 << (32 - prefixLength); }

    private static boolean inPool(int addr, int start, int size) {
        long offset = (addr & 0xFFFF_FFFFL) - (start & 0xFFFF_FFFFL);
        return offset >= 0 && offset < size;
    }

    private static void requireHost(String what, int addr, int network, int prefixLength) {
        int mask = netmask(prefixLength);
        if (!Ipv4Address.inSubnet(addr, network, prefixLength) || addr == network || addr == (network | ~mask)) {
            throw new IllegalArgumentException(what + " " + Ipv4Address.toString(addr) + " is not a host address of "
                    + Ipv4Address.toString(network) + "/" + prefixLength);
        }
    }
}
