package dev.jslirp.bhyve;

import dev.jslirp.config.HostForward;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the helper takes from the nvlist bhyve sends (contract spec §4, §8): the device's config
 * node plus {@code vmname}. Only the keys below are consulted, only as STRING pairs (a pair of any
 * other type counts as absent, as in bhyve's config.c), and every value goes through
 * {@link BhyveConfigValues#expand}. Other keys ({@code device}, {@code backend}, {@code mac}, nested
 * nodes, ...) are ignored.
 *
 * <h2>Keys of bhyve's helper</h2>
 * <ul>
 *   <li>{@code vmname}: optional; the VM name, for the process title and logs.</li>
 *   <li>{@code open}: a bhyve boolean word, default false; false means restricted mode.
 *       Not a boolean word → exit status 4.</li>
 *   <li>{@code hostfwd}: rules separated by {@code ;} ({@link HostForward#parseList}); an
 *       unparsable or empty rule → exit status 1.</li>
 * </ul>
 * They are checked in the C helper's order (vmname, open, hostfwd), so the first failure and its
 * exit status are the same.
 *
 * <h2>jslirp extras</h2>
 * Optional, also STRING pairs, set like any device option ({@code -s 2,virtio-net,slirp,dns=...}):
 * <ul>
 *   <li>{@code mtu}: decimal 576..65520, the IP MTU of the virtual link. Note that bhyve's
 *       virtio-net also reads {@code mtu} from the same node (the guest NIC's MTU), so both see the
 *       same value; a value outside our range fails with exit status 1 even where bhyve would take it.</li>
 *   <li>{@code dns}: upstream resolver {@code ADDR[:PORT]}, ADDR an IPv4 dotted quad
 *       (inet_pton rules), PORT decimal 1..65535, default 53. Invalid → exit status 1.</li>
 * </ul>
 * The C helper ignores both keys.
 *
 * @param vmName       the VM name, bytes re-read as UTF-8 (display only)
 * @param open         {@code open} was a true word; false = restricted mode
 * @param hostForwards rules in the order given
 * @param mtu          jslirp extra {@code mtu}
 * @param dns          jslirp extra {@code dns}
 */
public record BhyveConfig(Optional<String> vmName, boolean open, List<HostForward> hostForwards,
                          OptionalInt mtu, Optional<DnsUpstream> dns) {

    public static final int MTU_MIN = 576;
    public static final int MTU_MAX = 65520;
    public static final int DNS_DEFAULT_PORT = 53;

    /** Upstream resolver for the {@code dns} extra. */
    public record DnsUpstream(int addr, int port) {
        public DnsUpstream {
            if (port < 1 || port > 0xFFFF) throw new IllegalArgumentException("port outside 1..65535: " + port);
        }

        @Override
        public String toString() { return dev.jslirp.wire.Ipv4Address.toString(addr) + ":" + port; }
    }

    public BhyveConfig {
        hostForwards = List.copyOf(hostForwards);
    }

    /** libslirp's {@code restricted} flag: the guest reaches only virtual services and forwards. */
    public boolean restricted() { return !open; }

    public static BhyveConfig from(NvList config) throws BhyveConfigException {
        String vmName = value(config, "vmname");
        String open = value(config, "open");
        boolean isOpen = open != null && BhyveConfigValues.bool("open", open);
        String hostfwd = value(config, "hostfwd");
        List<HostForward> rules;
        try {
            rules = hostfwd == null ? List.of() : HostForward.parseList(hostfwd);
        } catch (IllegalArgumentException e) {
            throw new BhyveConfigException(BhyveConfigException.EXIT_HELPER, e.getMessage());
        }
        String mtu = value(config, "mtu");
        String dns = value(config, "dns");
        return new BhyveConfig(
                Optional.ofNullable(vmName).map(BhyveConfig::utf8),
                isOpen,
                rules,
                mtu == null ? OptionalInt.empty() : OptionalInt.of(parseMtu(mtu)),
                dns == null ? Optional.empty() : Optional.of(parseDns(dns)));
    }

    /** The expanded STRING value of {@code key}, or null when absent or not a STRING. */
    private static String value(NvList config, String key) throws BhyveConfigException {
        String raw = config.getString(key);
        return raw == null ? null : BhyveConfigValues.expand(key, raw);
    }

    private static int parseMtu(String text) throws BhyveConfigException {
        int mtu = decimal(text, MTU_MAX);
        if (mtu < MTU_MIN) {
            throw new BhyveConfigException(BhyveConfigException.EXIT_HELPER,
                    "invalid mtu '" + text + "': must be a decimal number " + MTU_MIN + ".." + MTU_MAX);
        }
        return mtu;
    }

    private static DnsUpstream parseDns(String text) throws BhyveConfigException {
        int colon = text.indexOf(':');
        String addrText = colon < 0 ? text : text.substring(0, colon);
        OptionalInt addr = HostForward.inetPton(addrText);
        int port = colon < 0 ? DNS_DEFAULT_PORT : decimal(text.substring(colon + 1), 0xFFFF);
        if (addr.isEmpty() || port < 1) {
            throw new BhyveConfigException(BhyveConfigException.EXIT_HELPER,
                    "invalid dns '" + text + "': expected IPV4ADDR[:PORT], port 1..65535");
        }
        return new DnsUpstream(addr.getAsInt(), port);
    }

    /** Plain ASCII decimal digits, at most {@code max}; -1 for anything else. */
    private static int decimal(String text, int max) {
        if (text.isEmpty() || text.length() > 6) return -1;
        int v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v <= max ? v : -1;
    }

    /** Codec strings hold one byte per char; a VM name is most likely UTF-8 text. */
    private static String utf8(String latin1Bytes) {
        return new String(latin1Bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
