package dev.jslirp.bhyve;

/**
 * bhyve's rules for config values ({@code usr.sbin/bhyve/config.c}), as the helper inherits them:
 * the "expand" step every string value goes through and the boolean words.
 */
public final class BhyveConfigValues {
    private BhyveConfigValues() {}

    /**
     * config.c's expand step. A value without {@code %} is returned unchanged, backslashes included.
     * A value with a {@code %} is rewritten left to right:
     * <ul>
     *   <li>{@code \x} becomes {@code x} (so {@code \%} is a literal {@code %}); a trailing {@code \} is dropped;</li>
     *   <li>{@code %()} is dropped;</li>
     *   <li>{@code %(name)} would be replaced by the config variable {@code name}, but the helper
     *       never sets up a config tree to look it up in: the C helper dereferences a null tree and
     *       dies. We fail instead (exit status 4, config.c's status);</li>
     *   <li>any other {@code %} (not followed by {@code (}, by {@code (} at the end, or with no
     *       {@code )} after it) stays a literal {@code %}.</li>
     * </ul>
     *
     * @param key the key whose value this is, for the error message
     */
    public static String expand(String key, String value) throws BhyveConfigException {
        if (value.indexOf('%') < 0) return value;
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '%') {
                int close = i + 2 < value.length() && value.charAt(i + 1) == '(' ? value.indexOf(')', i + 2) : -1;
                if (close < 0) {
                    out.append('%');           // not a reference: literal
                    i++;
                } else if (close == i + 2) {
                    i += 3;                    // "%()": empty reference, dropped
                } else {
                    throw new BhyveConfigException(BhyveConfigException.EXIT_CONFIG, "value of '" + key
                            + "' references config variable '" + value.substring(i + 2, close)
                            + "', but the helper has no configuration to look it up in");
                }
            } else if (c == '\\') {
                if (i + 1 < value.length()) out.append(value.charAt(i + 1));
                i += 2;                        // trailing '\' is dropped
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * config.c's boolean words: {@code true}, {@code on}, {@code yes} in any (ASCII) case or exactly
     * {@code 1} are true; {@code false}, {@code off}, {@code no} in any case or exactly {@code 0} are
     * false. Anything else, the empty string and words with spaces included, is exit status 4.
     */
    public static boolean bool(String key, String value) throws BhyveConfigException {
        if (isWord(value, "true") || isWord(value, "on") || isWord(value, "yes") || value.equals("1")) return true;
        if (isWord(value, "false") || isWord(value, "off") || isWord(value, "no") || value.equals("0")) return false;
        throw new BhyveConfigException(BhyveConfigException.EXIT_CONFIG,
                "Invalid value " + value + " for boolean variable " + key);
    }

    /** strcasecmp in the C locale: only ASCII letters fold (String.equalsIgnoreCase would also fold others). */
    private static boolean isWord(String value, String lowerWord) {
        return NvListDecoder.foldAscii(value).equals(lowerWord);
    }
}
