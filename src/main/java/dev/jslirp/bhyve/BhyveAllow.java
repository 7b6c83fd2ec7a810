package dev.jslirp.bhyve;

import dev.jslirp.config.EgressRule;
import java.util.List;

/**
 * jslirp's own nvlist key {@code allow} (a STRING; egress rules separated by {@code ;}, see
 * {@link EgressRule}), e.g. {@code slirp,open=true,allow=tcp:198.51.100.0/24:443;udp:198.51.100.2:53}.
 * Kept beside {@link BhyveConfig} rather than in it: the C helper has no such key, so BhyveConfig's
 * checks stay exactly the helper's. A present key means the allow-list policy (open mode whose
 * outside destinations must match a rule).
 */
public final class BhyveAllow {
    private BhyveAllow() {}

    /** The rules, or null when the key is absent. @throws BhyveConfigException for a bad rule */
    public static List<EgressRule> rules(NvList config) throws BhyveConfigException {
        String raw = config.getString("allow");
        if (raw == null) return null;
        try {
            return EgressRule.parseList(BhyveConfigValues.expand("allow", raw));
        } catch (IllegalArgumentException e) {
            throw new BhyveConfigException(BhyveConfigException.EXIT_HELPER, e.getMessage());
        }
    }
}
