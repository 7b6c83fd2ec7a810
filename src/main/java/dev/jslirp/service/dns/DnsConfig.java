package dev.jslirp.service.dns;

import dev.jslirp.wire.Ipv4Address;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The names jslirp answers itself, and whether anything else may reach the upstream resolver.
 * Immutable; names are validated and normalised (lower case, no trailing dot) here.
 *
 * @param localNames name → IPv4 address (as an int, see {@link Ipv4Address}); exact names only,
 *                   their subdomains are not ours
 * @param restricted when true nothing is forwarded: names not ours get REFUSED
 */
public record DnsConfig(Map<String, Integer> localNames, boolean restricted) {
    public static final String HOST_NAME = "host.jslirp.internal";
    public static final String GATEWAY_NAME = "gateway.jslirp.internal";

    public DnsConfig {
        Map<String, Integer> normalised = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : localNames.entrySet()) {
            String name = normalise(e.getKey());
            if (e.getValue() == null) throw new IllegalArgumentException("no address for local name " + name);
            if (normalised.put(name, e.getValue()) != null) throw new IllegalArgumentException("local name given twice: " + name);
        }
        localNames = Map.copyOf(normalised);
    }

    /** {@code host.jslirp.internal} and {@code gateway.jslirp.internal} → {@code gateway}, open mode. */
    public static DnsConfig defaults(int gateway) {
        return new DnsConfig(Map.of(HOST_NAME, gateway, GATEWAY_NAME, gateway), false);
    }

    public DnsConfig withRestricted(boolean newRestricted) { return new DnsConfig(localNames, newRestricted); }

    private static String normalise(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) n = n.substring(0, n.length() - 1);
        if (n.isEmpty()) throw new IllegalArgumentException("empty local name");
        try {
            Name.fromString(n, Name.root); // label and length rules of RFC 1035 §2.3.4
        } catch (TextParseException e) {
            throw new IllegalArgumentException("invalid local name '" + name + "': " + e.getMessage());
        }
        return n;
    }
}
