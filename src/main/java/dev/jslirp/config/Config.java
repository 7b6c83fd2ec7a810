package dev.jslirp.config;

import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.MacAddress;
import java.util.List;
import java.util.Objects;

/**
 * Everything the virtual network needs, validated once. Defaults are bhyve's (and
 * libslirp's): 10.0.2.0/24, gateway 10.0.2.2, DNS 10.0.2.3, DHCP from 10.0.2.15.
 *
 * @param network the virtual network
 * @param gateway jslirp's own address (router, DHCP server, the host's loopback for the guest)
 * @param dns the virtual DNS server address
 * @param dhcpStart first address of the DHCP pool
 * @param guestAddr the guest's address when it is configured without DHCP, and the default
 *     guest address of port forwards (bhyve: the DHCP address)
 * @param mtu guest IP MTU (576..65520)
 * @param open whether the guest may connect to the outside (bhyve's {@code open})
 * @param hostLoopback whether the gateway address reaches the host's loopback
 * @param dnsUpstream the resolver DNS queries are forwarded to
 * @param forwards host→guest port forwards
 * @param gatewayMac jslirp's MAC on the virtual link
 * @param domainName DHCP option 15, or null
 * @param searchDomains DHCP option 119
 * @param limits resource caps
 */
public record Config(Ipv4Cidr network, int gateway, int dns, int dhcpStart, int guestAddr, int mtu,
                     boolean open, boolean hostLoopback, SocketAddressV4 dnsUpstream,
                     List<HostForward> forwards, long gatewayMac, String domainName,
                     List<String> searchDomains, Limits limits) {
    public static final int DEFAULT_MTU = 1500;
    public static final int MIN_MTU = 576;
    public static final int MAX_MTU = 65520;
    /** Name answered locally by jslirp's DNS with the gateway address. */
    public static final String HOST_NAME = "host.jslirp.internal";

    public Config {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(dnsUpstream, "dnsUpstream");
        forwards = List.copyOf(forwards);
        searchDomains = List.copyOf(searchDomains);
        Objects.requireNonNull(limits, "limits");
        requireHost(network, gateway, "gateway");
        requireHost(network, dns, "DNS address");
        requireHost(network, dhcpStart, "DHCP start address");
        requireHost(network, guestAddr, "guest address");
        if (gateway == dns) throw new IllegalArgumentException("gateway and DNS address must differ");
        if (dhcpStart == gateway || dhcpStart == dns) throw new IllegalArgumentException("DHCP start address collides with gateway or DNS");
        if (mtu < MIN_MTU || mtu > MAX_MTU) throw new IllegalArgumentException("MTU must be " + MIN_MTU + ".." + MAX_MTU + ", got " + mtu);
        for (HostForward f : forwards) checkForward(f, network, gateway, dns);
    }

    /**
     * A forward's guest end must be the guest: an address of the virtual network that is not
     * one of ours (0: the guest's address). For rules given at start and through the API alike.
     * @throws IllegalArgumentException naming the rule
     */
    public void checkForward(HostForward f) { checkForward(f, network, gateway, dns); }

    // Static: the compact constructor calls it before the record's fields are assigned.
    private static void checkForward(HostForward f, Ipv4Cidr network, int gateway, int dns) {
        if (f.guestAddr() != 0) requireHost(network, f.guestAddr(), "guest address of hostfwd rule '" + f + "':");
        if (f.guestAddr() == gateway || f.guestAddr() == dns) {
            throw new IllegalArgumentException("hostfwd rule '" + f + "' points at jslirp's own address, not the guest");
        }
    }

    private static void requireHost(Ipv4Cidr network, int addr, String what) {
        if (!network.contains(addr) || addr == network.network() || addr == network.broadcast()) {
            throw new IllegalArgumentException(what + " " + Ipv4Address.toString(addr) + " is not a host address in " + network);
        }
    }

    /** bhyve's defaults: restricted, loopback reachable, no forwards. */
    public static Builder builder() { return new Builder(); }

    /** The guest address a forward targets: its own, or the default guest address. */
    public int guestAddrOf(HostForward forward) { return forward.guestAddr() == 0 ? guestAddr : forward.guestAddr(); }

    /** Mutable builder for {@link Config}; {@link #build} validates. */
    public static final class Builder {
        public Ipv4Cidr network = new Ipv4Cidr(0x0A000200, 24);
        public Integer gateway, dns, dhcpStart, guestAddr;
        public int mtu = DEFAULT_MTU;
        public boolean open;
        public boolean hostLoopback = true;
        public SocketAddressV4 dnsUpstream;
        public List<HostForward> forwards = List.of();
        public long gatewayMac = MacAddress.GATEWAY_DEFAULT;
        public String domainName;
        public List<String> searchDomains = List.of();
        public Limits limits = Limits.DEFAULT;

        public Config build() {
            int gw = gateway != null ? gateway : network.host(2);
            int d = dns != null ? dns : network.host(3);
            int start = dhcpStart != null ? dhcpStart : network.host(15);
            int guest = guestAddr != null ? guestAddr : start;
            SocketAddressV4 upstream = dnsUpstream != null ? dnsUpstream : new SocketAddressV4(Ipv4Address.LOOPBACK, 53);
            return new Config(network, gw, d, start, guest, mtu, open, hostLoopback, upstream, forwards, gatewayMac,
                    domainName, searchDomains, limits);
        }
    }
}
