package dev.jslirp.config;

import dev.jslirp.wire.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code --allow} rule: which outbound destinations the guest may reach when an egress
 * policy is on. Syntax {@code PROTO:TARGET[:PORTS]}:
 * <ul>
 *   <li>PROTO: {@code tcp}, {@code udp}, {@code icmp} or {@code any};</li>
 *   <li>TARGET: an address ({@code 198.51.100.2}), a network ({@code 198.51.100.0/24}, {@code 0.0.0.0/0}),
 *       or {@code name=NAME}: the addresses jslirp's DNS returned for NAME, while their TTL lasts;</li>
 *   <li>PORTS: {@code N} or {@code N-M} (default: every port); not allowed with {@code icmp}.</li>
 * </ul>
 * Examples: {@code tcp:198.51.100.0/24:80-443}, {@code udp:198.51.100.2:53}, {@code icmp:198.51.100.0/24},
 * {@code tcp:name=www.example.test:443}.
 *
 * @param protocol IP protocol number, or {@link #ANY_PROTOCOL}
 * @param network  network address (ignored when {@code name} is set)
 * @param prefixLength 0..32
 * @param name lower-case DNS name without the final dot, or null
 */
public record EgressRule(int protocol, int network, int prefixLength, String name, int portLow, int portHigh) {
    public static final int ANY_PROTOCOL = -1;
    private static final int TCP = 6, UDP = 17, ICMP = 1;

    public EgressRule {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix length must be 0..32");
        if (portLow < 0 || portHigh > 0xFFFF || portLow > portHigh) throw new IllegalArgumentException("bad port range");
        if (name != null) name = normalise(name);
        network &= mask(prefixLength);
    }

    /** Parses one rule. @throws IllegalArgumentException saying what is wrong */
    public static EgressRule parse(String text) {
        String[] parts = text.trim().split(":", -1);
        if (parts.length < 2 || parts.length > 3) throw bad(text, "expected PROTO:TARGET[:PORTS]");
        int protocol = switch (parts[0].toLowerCase(Locale.ROOT)) {
            case "tcp" -> TCP;
            case "udp" -> UDP;
            case "icmp" -> ICMP;
            case "any", "all" -> ANY_PROTOCOL;
            default -> throw bad(text, "protocol must be tcp, udp, icmp or any");
        };
        int low = 0, high = 0xFFFF;
        if (parts.length == 3) {
            if (protocol == ICMP) throw bad(text, "icmp has no ports");
            String ports = parts[2];
            int dash = ports.indexOf('-');
            try {
                low = Integer.parseInt(dash < 0 ? ports : ports.substring(0, dash));
                high = dash < 0 ? low : Integer.parseInt(ports.substring(dash + 1));
            } catch (NumberFormatException e) {
                throw bad(text, "ports must be N or N-M");
            }
            if (low < 0 || high > 0xFFFF || low > high) throw bad(text, "ports must be within 0..65535, low <= high");
        }
        String target = parts[1];
        if (target.startsWith("name=")) {
            String name = normalise(target.substring(5));
            if (name.isEmpty() || name.length() > 253) throw bad(text, "empty or too long name");
            if (!isHostName(name)) throw bad(text, "a name is dot-separated labels of 1..63 letters, digits, '-' or '_'");
            return new EgressRule(protocol, 0, 0, name, low, high);
        }
        int slash = target.indexOf('/');
        int prefix = 32;
        int addr;
        try {
            if (slash >= 0) prefix = Integer.parseInt(target.substring(slash + 1));
            addr = Ipv4Address.parse(slash >= 0 ? target.substring(0, slash) : target);
        } catch (IllegalArgumentException e) {
            throw bad(text, "target must be ADDR, ADDR/PREFIX or name=NAME");
        }
        if (prefix < 0 || prefix > 32) throw bad(text, "prefix length must be 0..32");
        if ((addr & ~mask(prefix)) != 0) throw bad(text, "network has host bits set");
        return new EgressRule(protocol, addr, prefix, null, low, high);
    }

    /**
     * Rules separated by ';' or ',' (the bhyve nvlist key {@code allow} and the API use ';').
     * An empty piece is an error, as an empty list is: an allow-list given as text that allows
     * nothing is far likelier a mistake (an unset shell variable) than a wish.
     */
    public static List<EgressRule> parseList(String rules) {
        List<EgressRule> out = new ArrayList<>();
        for (String r : rules.split("[;,]", -1)) {
            if (r.isBlank()) throw bad(rules, "an empty rule (rules are separated by ';' or ',')");
            out.add(parse(r));
        }
        return out;
    }

    /** DNS labels as names are written in rules: letters, digits, '-' and '_', 1..63 each, no empty label. */
    private static boolean isHostName(String name) {
        int label = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (label == 0) return false;
                label = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                if (++label > 63) return false;
            } else {
                return false;
            }
        }
        return label > 0;
    }

    /** Whether this rule's protocol and ports cover a flow (the address is checked by the caller). */
    public boolean coversProtocolAndPort(int flowProtocol, int port) {
        if (protocol != ANY_PROTOCOL && protocol != flowProtocol) return false;
        return flowProtocol == ICMP || (port >= portLow && port <= portHigh);
    }

    /** Whether {@code addr} is in this rule's network (false for name rules). */
    public boolean containsAddress(int addr) { return name == null && (addr & mask(prefixLength)) == network; }

    private static IllegalArgumentException bad(String rule, String why) {
        return new IllegalArgumentException("bad --allow rule '" + rule + "': " + why);
    }

    static int mask(int prefix) { return prefix == 0 ? 0 : -1 << (32 - prefix); }

    static String normalise(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public String toString() {
        String p = switch (protocol) {
            case TCP -> "tcp";
            case UDP -> "udp";
            case ICMP -> "icmp";
            default -> "any";
        };
        String target = name != null ? "name=" + name : Ipv4Address.toString(network) + "/" + prefixLength;
        if (protocol == ICMP || (portLow == 0 && portHigh == 0xFFFF)) return p + ":" + target;
        return p + ":" + target + ":" + (portLow == portHigh ? Integer.toString(portLow) : portLow + "-" + portHigh);
    }
}
