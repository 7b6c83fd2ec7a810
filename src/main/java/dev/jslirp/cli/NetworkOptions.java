package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.config.HostForward;
import dev.jslirp.config.Ipv4Cidr;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.MacAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options that shape the virtual network, shared by every mode. */
public final class NetworkOptions {
    @Option(names = "--open", description = "Let the guest connect to the outside (bhyve's 'open'). Default for the slirp4netns form.")
    Boolean open;

    @Option(names = "--restricted", description = "Only the virtual services and forwarded ports (bhyve's default).")
    Boolean restricted;

    @Option(names = "--hostfwd", paramLabel = "RULES",
            description = "Port forwards in bhyve's grammar proto:hostaddr:hostport-guestaddr:guestport, several joined by ';'. Repeatable.")
    List<String> hostfwd = new ArrayList<>();

    @Option(names = {"-m", "--mtu"}, paramLabel = "N", description = "Guest MTU, 576..65520 (default 1500).")
    Integer mtu;

    @Option(names = "--cidr", paramLabel = "CIDR", description = "Virtual network (default 10.0.2.0/24).")
    String cidr;

    @Option(names = "--dns-upstream", paramLabel = "ADDR[:PORT]",
            description = "Resolver DNS queries are forwarded to (default: first nameserver of /etc/resolv.conf).")
    String dnsUpstream;

    @Option(names = "--disable-host-loopback", description = "The gateway address does not reach the host's loopback.")
    boolean disableHostLoopback;

    @Option(names = "--gateway-mac", paramLabel = "MAC", description = "jslirp's MAC on the virtual link (default 52:55:0a:00:02:02).")
    String gatewayMac;

    @Option(names = "--no-offload", description = "Tap modes: no virtio-net header, so no checksum offload or TSO between guest and jslirp.")
    boolean noOffload;

    @Option(names = "--splice-forwards",
            description = "Namespace modes: a TCP forward's connection from the host's loopback is spliced to a socket inside the "
                    + "namespace (splice(2), as pasta does) instead of crossing the tap; the guest then sees it come from its own "
                    + "address, not from the gateway.")
    boolean spliceForwards;

    @Option(names = "--allow", paramLabel = "RULE",
            description = "Egress allow-list: only matching outside destinations are reached (implies open; DNS always passes). "
                    + "RULE is PROTO:TARGET[:PORTS], PROTO tcp|udp|icmp|any, TARGET ADDR, CIDR or name=NAME, e.g. "
                    + "tcp:198.51.100.0/24:80-443, udp:198.51.100.2:53, tcp:name=www.example.test:443. Repeatable; ';' separates several.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--domain", paramLabel = "NAME", description = "DHCP domain name (option 15).")
    String domain;

    @Mixin
    LimitOptions limits = new LimitOptions();

    @Option(names = "--search", paramLabel = "DOMAIN", split = ",", description = "DHCP search list (option 119), comma separated.")
    List<String> search = new ArrayList<>();

    /**
     * Builds the configuration.
     * @param openByDefault the mode's own default (bhyve and jslirp: restricted; slirp4netns form: open)
     * @param guestAddr the guest's configured address, or null for the DHCP start address
     */
    Config toConfig(boolean openByDefault, Integer guestAddr) {
        if (Boolean.TRUE.equals(open) && Boolean.TRUE.equals(restricted)) {
            throw new IllegalArgumentException("--open and --restricted contradict each other");
        }
        if (!allow.isEmpty() && (Boolean.TRUE.equals(open) || Boolean.TRUE.equals(restricted))) {
            throw new IllegalArgumentException("--allow is its own mode, between --restricted and --open: give it alone");
        }
        Config.Builder b = Config.builder();
        if (cidr != null) b.network = parseOr("--cidr", () -> Ipv4Cidr.parse(cidr));
        b.open = Boolean.TRUE.equals(open) || (openByDefault && !Boolean.TRUE.equals(restricted)) || !allow.isEmpty();
        b.hostLoopback = !disableHostLoopback;
        if (mtu != null) b.mtu = mtu;
        if (guestAddr != null) b.guestAddr = b.network.host(guestAddr);
        b.dnsUpstream = dnsUpstream != null
                ? parseOr("--dns-upstream", () -> SocketAddressV4.parse(dnsUpstream, 53))
                : ResolvConf.firstNameserver();
        List<HostForward> forwards = new ArrayList<>();
        for (String rules : hostfwd) forwards.addAll(HostForward.parseListStrict(rules));
        b.forwards = forwards;
        if (gatewayMac != null) b.gatewayMac = parseOr("--gateway-mac", () -> MacAddress.parse(gatewayMac));
        b.domainName = domain;
        b.searchDomains = search;
        b.limits = limits.toLimits();
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid network configuration: " + e.getMessage(), e);
        }
    }

    /** The {@code --allow} rules, or null when none was given (no policy). */
    List<dev.jslirp.config.EgressRule> allowRules() {
        if (allow.isEmpty()) return null;
        List<dev.jslirp.config.EgressRule> rules = new ArrayList<>();
        for (String a : allow) rules.addAll(parseOr("--allow", () -> dev.jslirp.config.EgressRule.parseList(a)));
        return rules;
    }

    private static <T> T parseOr(String option, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** The start-up banner's summary; with --allow the egress is the allow-list, whatever --open says. */
    static String describe(Config c, dev.jslirp.flow.EgressPolicy policy) {
        String egress = policy.enabled() ? "allow-list of " + policy.rules().size() + " rule(s)" : c.open() ? "open" : "restricted";
        return "network " + c.network() + ", gateway " + Ipv4Address.toString(c.gateway()) + ", DNS " + Ipv4Address.toString(c.dns())
                + " -> " + c.dnsUpstream() + ", " + egress + ", MTU " + c.mtu()
                + (c.hostLoopback() ? "" : ", host loopback disabled") + ", " + c.forwards().size() + " port forward(s)";
    }
}
