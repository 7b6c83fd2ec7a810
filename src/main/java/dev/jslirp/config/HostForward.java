package dev.jslirp.config;

import dev.jslirp.wire.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * One host-to-guest port forward, in bhyve's {@code hostfwd} rule syntax
 * {@code PROTO ":" HADDR ":" HPORT "-" GADDR ":" GPORT}, e.g. {@code tcp::2222-:22} or
 * {@code udp:127.0.0.1:5353-10.0.2.15:53}.
 *
 * <p>{@link #parse} accepts and rejects exactly what FreeBSD's {@code bhyve-slirp-helper} does
 * (contract spec §4.3), so a rule means the same to jslirp as to the C helper:
 * <ol>
 *   <li>PROTO is the text before the first {@code ':'} (required); exactly {@code udp} is UDP,
 *       anything else (also {@code UDP}, empty, {@code foo}) is TCP;</li>
 *   <li>the rest splits at its first {@code '-'} (required) into host and guest parts; the guest
 *       part may contain more {@code '-'};</li>
 *   <li>each part splits at its first {@code ':'} (required) into address and port;</li>
 *   <li>address: empty is 0.0.0.0, otherwise {@code inet_pton(AF_INET)} must accept it (see
 *       {@link #inetPton}), else EPFNOSUPPORT;</li>
 *   <li>port: empty is 0, otherwise C {@code atoi()} (see {@link #atoi}: {@code 22x} is 22, {@code x}
 *       is 0); outside 0..65535 is EINVAL.</li>
 * </ol>
 * The host part is checked before the guest part, the address before the port, as the C code does,
 * so the error reason is the same. Error messages start like the helper's
 * {@code unable to parse hostfwd rule '<rule>': <strerror>} and add what was wrong in parentheses.
 *
 * <p>A guest address of 0 means "the DHCP address" (libslirp uses its DHCP start, 10.0.2.15); a
 * host port of 0 binds an ephemeral port.
 *
 * @param hostAddr  IPv4 address as an int (network order value), 0 = any
 * @param guestAddr IPv4 address as an int, 0 = the guest's DHCP address
 */
public record HostForward(Protocol protocol, int hostAddr, int hostPort, int guestAddr, int guestPort) {

    public enum Protocol {
        TCP, UDP;

        /** Rule spelling: {@code tcp} / {@code udp}. */
        public String ruleName() { return this == TCP ? "tcp" : "udp"; }
    }

    static final String EINVAL = "Invalid argument";
    static final String EPFNOSUPPORT = "Protocol family not supported";

    public HostForward {
        if (protocol == null) throw new IllegalArgumentException("protocol must not be null");
        if (hostPort < 0 || hostPort > 0xFFFF) throw new IllegalArgumentException("host port outside 0..65535: " + hostPort);
        if (guestPort < 0 || guestPort > 0xFFFF) throw new IllegalArgumentException("guest port outside 0..65535: " + guestPort);
    }

    /**
     * Parses one rule with bhyve's grammar.
     *
     * @throws IllegalArgumentException {@code unable to parse hostfwd rule '<rule>': <reason> (<detail>)}
     */
    public static HostForward parse(String rule) {
        if (rule == null) throw new IllegalArgumentException("hostfwd rule must not be null");
        // A C string cannot hold a NUL, so such a rule can never reach the C helper; refuse it rather than truncate.
        if (rule.indexOf('\0') >= 0) throw error(rule, EINVAL, "contains a NUL character");
        int colon = rule.indexOf(':');
        if (colon < 0) throw error(rule, EINVAL, "no ':' after the protocol");
        Protocol protocol = rule.substring(0, colon).equals("udp") ? Protocol.UDP : Protocol.TCP;
        String rest = rule.substring(colon + 1);
        int dash = rest.indexOf('-');
        if (dash < 0) throw error(rule, EINVAL, "no '-' between host and guest part");
        long host = parseEndpoint(rule, rest.substring(0, dash), "host");
        long guest = parseEndpoint(rule, rest.substring(dash + 1), "guest");
        return new HostForward(protocol, (int) (host >>> 16), (int) (host & 0xFFFF), (int) (guest >>> 16), (int) (guest & 0xFFFF));
    }

    /**
     * Parses bhyve's {@code hostfwd} value: rules separated by {@code ';'}. Every piece is a rule,
     * so an empty value or a leading, trailing or doubled {@code ';'} is an error (the C helper
     * splits with {@code strsep} and fails on the empty rule).
     */
    public static List<HostForward> parseList(String rules) {
        if (rules == null) throw new IllegalArgumentException("hostfwd rules must not be null");
        List<HostForward> result = new ArrayList<>();
        int start = 0;
        while (true) {
            int semi = rules.indexOf(';', start);
            result.add(parse(semi < 0 ? rules.substring(start) : rules.substring(start, semi)));
            if (semi < 0) return List.copyOf(result);
            start = semi + 1;
        }
    }

    /**
     * The command line's {@code --hostfwd}: bhyve's grammar without its leniencies, which exist
     * for the bhyve helper's sake. On a command line a typo must stop start-up, not become
     * another forward: the protocol must be {@code tcp} or {@code udp} (bhyve: anything but
     * {@code udp} is TCP) and a port all decimal digits (bhyve's {@code atoi}: {@code 22x} is 22).
     */
    public static List<HostForward> parseListStrict(String rules) {
        List<HostForward> result = parseList(rules); // bhyve's grammar and errors first
        for (String rule : rules.split(";", -1)) {
            int colon = rule.indexOf(':');
            String protocol = rule.substring(0, colon);
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw error(rule, EINVAL, "protocol '" + protocol + "' is neither tcp nor udp");
            }
            String rest = rule.substring(colon + 1);
            int dash = rest.indexOf('-');
            checkDecimalPort(rule, rest.substring(0, dash), "host");
            checkDecimalPort(rule, rest.substring(dash + 1), "guest");
        }
        for (HostForward f : result) {
            if (f.guestPort() == 0) {
                throw new IllegalArgumentException("unable to parse hostfwd rule '" + rules + "': " + EINVAL
                        + " (the guest port is missing or 0; only the host port may be 0, for any free port)");
            }
        }
        return result;
    }

    private static void checkDecimalPort(String rule, String part, String side) {
        String port = part.substring(part.indexOf(':') + 1);
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                throw error(rule, EINVAL, side + " port '" + port + "' is not a decimal number");
            }
        }
    }

    /** Address in the high 32 bits, port in the low 16: the C helper's parse_addr. */
    private static long parseEndpoint(String rule, String part, String side) {
        int colon = part.indexOf(':');
        if (colon < 0) throw error(rule, EINVAL, "no ':' in the " + side + " part '" + part + "'");
        String addrText = part.substring(0, colon);
        String portText = part.substring(colon + 1);
        int addr = 0;
        if (!addrText.isEmpty()) {
            OptionalInt a = inetPton(addrText);
            if (a.isEmpty()) throw error(rule, EPFNOSUPPORT, side + " address '" + addrText + "' is not an IPv4 dotted quad");
            addr = a.getAsInt();
        }
        int port = portText.isEmpty() ? 0 : atoi(portText);
        if (port < 0 || port > 0xFFFF) throw error(rule, EINVAL, side + " port '" + portText + "' is outside 0..65535");
        return ((addr & 0xFFFF_FFFFL) << 16) | port;
    }

    private static IllegalArgumentException error(String rule, String reason, String detail) {
        return new IllegalArgumentException("unable to parse hostfwd rule '" + rule + "': " + reason + " (" + detail + ")");
    }

    /**
     * {@code inet_pton(AF_INET, text)}: exactly four dot-separated decimal octets 0..255, ASCII
     * digits only, no leading zeros ({@code 010.0.0.1} and {@code 00.0.0.0} are rejected, {@code 0}
     * alone is fine), nothing before or after. glibc 2.36 and FreeBSD's libc share this BIND-derived
     * rule; checked on Debian 12 with a small C program (see HostForwardTest). Unlike
     * {@code inet_aton} there are no shorter forms ({@code 127.1}) and no hex or octal.
     *
     * @return the address as an int (10.0.2.2 == 0x0A000202), or empty if inet_pton would return 0
     */
    public static OptionalInt inetPton(String text) {
        int addr = 0;
        int octets = 0;
        int value = -1; // -1: no digit yet in this octet
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (value == 0) return OptionalInt.empty();        // leading zero
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) return OptionalInt.empty();
            } else if (c == '.' && value >= 0 && octets < 3) {
                addr = (addr << 8) | value;
                octets++;
                value = -1;
            } else {
                return OptionalInt.empty();
            }
        }
        if (octets != 3 || value < 0) return OptionalInt.empty();
        return OptionalInt.of((addr << 8) | value);
    }

    /**
     * C {@code atoi()} as glibc and FreeBSD implement it on LP64: {@code (int) strtol(s, NULL, 10)}.
     * Leading white space (space, \t \n \v \f \r) and one sign are skipped, then decimal digits are
     * read up to the first non-digit (trailing junk is ignored; no digits gives 0). strtol clamps to
     * the 64-bit range and the cast keeps the low 32 bits, so {@code 4294967318} is 22 and
     * {@code 99999999999999999999} is -1 (both verified with gcc on Debian 12).
     */
    public static int atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isCSpace(s.charAt(i))) i++;
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long value = 0;
        boolean overflow = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') break;
            int d = c - '0';
            if (!overflow) {
                // Accumulate as a negative number so that Long.MIN_VALUE is reachable.
                if (value < (Long.MIN_VALUE + d) / 10) overflow = true;
                else value = value * 10 - d;
            }
        }
        long result;
        if (overflow) result = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        else if (negative) result = value;
        else result = value == Long.MIN_VALUE ? Long.MAX_VALUE : -value;
        return (int) result;
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** The canonical rule text; {@code parse(toString())} gives this record back. Address 0 prints as empty. */
    @Override
    public String toString() {
        return protocol.ruleName() + ":" + addr(hostAddr) + ":" + hostPort + "-" + addr(guestAddr) + ":" + guestPort;
    }

    private static String addr(int a) {
        return a == 0 ? "" : Ipv4Address.toString(a);
    }
}
