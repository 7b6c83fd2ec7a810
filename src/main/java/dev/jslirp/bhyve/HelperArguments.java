package dev.jslirp.bhyve;

import java.util.ArrayList;
import java.util.List;

/**
 * The helper's command line, parsed as slirp-helper.c parses it (contract spec §2): BSD
 * {@code getopt(argc, argv, "S:")} and {@code atoi()}. Pure: descriptor validation is the
 * caller's ({@link HelperPlatform#checkSocket}), done for every {@code -S} in order.
 *
 * <ul>
 *   <li>Options end at the first operand or at {@code --}; operands are ignored. A lone
 *       {@code -} is an operand. No permutation (FreeBSD's getopt, not glibc's).</li>
 *   <li>{@code -S N} or {@code -SN}; {@code -S} may repeat, the last one wins.</li>
 *   <li>Unknown option, {@code -S} without argument, or no {@code -S} at all: diagnostic (for the
 *       first two) plus {@link #USAGE}, exit status 1.</li>
 * </ul>
 */
public final class HelperArguments {
    /** Exactly what the C helper prints (it says slirp-helper, not bhyve-slirp-helper). */
    public static final String USAGE = "Usage: slirp-helper -S <socket>";
    public static final String PROGRAM = "bhyve-slirp-helper";

    /** One {@code -S} occurrence: its text and atoi value. */
    public record SocketArgument(String text, int fd) {}

    /**
     * The result: the {@code -S} arguments in order (each must be validated, the last one is
     * used), or the lines to print on stderr before exiting 1.
     */
    public record Parsed(List<SocketArgument> sockets, List<String> errorLines) {
        public boolean ok() { return errorLines.isEmpty(); }

        public SocketArgument socket() { return sockets.getLast(); }
    }

    private HelperArguments() {}

    public static Parsed parse(String... args) {
        List<SocketArgument> sockets = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            String a = args[i];
            if (a.equals("--")) break;
            if (a.length() < 2 || a.charAt(0) != '-') break;
            // Walk the option letters of this word, as getopt does with grouped options.
            int j = 1;
            boolean consumedNext = false;
            while (j < a.length()) {
                char c = a.charAt(j);
                if (c != 'S') {
                    return usage(PROGRAM + ": illegal option -- " + c);
                }
                String value;
                if (j + 1 < a.length()) {
                    value = a.substring(j + 1);
                } else if (i + 1 < args.length) {
                    value = args[i + 1];
                    consumedNext = true;
                } else {
                    return usage(PROGRAM + ": option requires an argument -- S");
                }
                sockets.add(new SocketArgument(value, atoi(value)));
                break;
            }
            i += consumedNext ? 2 : 1;
        }
        if (sockets.isEmpty()) return usage(null);
        return new Parsed(List.copyOf(sockets), List.of());
    }

    private static Parsed usage(String diagnostic) {
        return new Parsed(List.of(), diagnostic == null ? List.of(USAGE) : List.of(diagnostic, USAGE));
    }

    /**
     * C's {@code atoi}: leading white space, an optional sign, decimal digits; stops at the first
     * other character; no digits gives 0. Out-of-range values saturate as strtol's do before
     * the int conversion (glibc), then are truncated to int like the C cast.
     */
    public static int atoi(String s) {
        int i = 0, n = s.length();
        while (i < n && isSpace(s.charAt(i))) i++;
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        boolean saturated = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            if (!saturated) {
                v = v * 10 + (s.charAt(i) - '0');
                if (v > Integer.MAX_VALUE + 1L) saturated = true;
            }
            i++;
        }
        if (saturated) return negative ? 0 : -1;     // (int) LONG_MIN == 0, (int) LONG_MAX == -1
        return (int) (negative ? -v : v);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
