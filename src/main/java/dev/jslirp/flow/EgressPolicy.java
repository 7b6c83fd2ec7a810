package dev.jslirp.flow;

import dev.jslirp.config.EgressRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The egress policy between restricted and open: when {@link #enabled()}, a guest flow to an
 * outside destination (and to the host's loopback through the gateway) is relayed only if an
 * {@link EgressRule} allows it. DNS to the configured upstream always passes: it is how
 * {@code name=} rules learn their addresses.
 *
 * <p>Name rules match the addresses jslirp's own DNS forwarding returned for the name, while
 * their TTL lasts: {@link #learn} is fed by the DNS snooper on the upstream flow. A name that
 * was not asked through jslirp, or whose answer expired, matches nothing, so a denied name
 * cannot be reached by its address either (unless an address rule covers it).
 *
 * <p>Consulted when a flow opens (never per packet) on the loop thread; the API replaces the
 * rules on that same thread, so no locking.
 */
public final class EgressPolicy {
    /** Answers with a TTL below this still let the connect that follows them through. */
    static final long MIN_TTL_NS = 5_000_000_000L;
    private static final int MAX_LEARNED = 4096;

    private List<EgressRule> rules = List.of();
    private boolean enabled;
    private boolean hasNameRules;
    private final Map<String, Map<Integer, Long>> learned = new HashMap<>();
    private int learnedCount;

    /** A disabled policy: Forwarding behaves as the network's mode says. */
    public EgressPolicy() { }

    public EgressPolicy(List<EgressRule> rules) { set(rules); }

    public boolean enabled() { return enabled; }

    public List<EgressRule> rules() { return rules; }

    /** Turns the policy on with these rules (empty: nothing outside is allowed). */
    public void set(List<EgressRule> newRules) {
        rules = List.copyOf(newRules);
        enabled = true;
        boolean names = false;
        for (EgressRule r : rules) names |= r.name() != null;
        hasNameRules = names;
    }

    /** Turns the policy off: the network's mode alone decides. */
    public void disable() {
        rules = List.of();
        enabled = false;
        hasNameRules = false;
    }

    /** Whether answers are worth snooping (a name rule exists). */
    public boolean wantsNames() { return enabled && hasNameRules; }

    /** Whether a flow of {@code protocol} to {@code addr:port} is allowed. */
    public boolean allows(int protocol, int addr, int port, long nowNs) {
        List<EgressRule> r = rules;
        for (int i = 0; i < r.size(); i++) {
            EgressRule rule = r.get(i);
            if (!rule.coversProtocolAndPort(protocol, port)) continue;
            if (rule.name() == null ? rule.containsAddress(addr) : nameHasAddress(rule.name(), addr, nowNs)) return true;
        }
        return false;
    }

    private boolean nameHasAddress(String name, int addr, long nowNs) {
        Map<Integer, Long> addrs = learned.get(name);
        if (addrs == null) return false;
        Long expiry = addrs.get(addr);
        return expiry != null && expiry > nowNs;
    }

    /** Records that jslirp's DNS answered {@code name} (any case, final dot optional) with {@code addr}. */
    public void learn(String name, int addr, long ttlSeconds, long nowNs) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".")) n = n.substring(0, n.length() - 1);
        long expiry = nowNs + Math.max(MIN_TTL_NS, Math.min(ttlSeconds, 7 * 86400L) * 1_000_000_000L);
        if (learnedCount >= MAX_LEARNED) prune(nowNs);
        if (learnedCount >= MAX_LEARNED) return; // all live: the newest answer is not remembered
        Map<Integer, Long> addrs = learned.computeIfAbsent(n, k -> new HashMap<>());
        if (addrs.put(addr, expiry) == null) learnedCount++;
    }

    private void prune(long nowNs) {
        List<String> empty = new ArrayList<>();
        for (var e : learned.entrySet()) {
            int before = e.getValue().size();
            e.getValue().values().removeIf(expiry -> expiry <= nowNs);
            learnedCount -= before - e.getValue().size();
            if (e.getValue().isEmpty()) empty.add(e.getKey());
        }
        for (String k : empty) learned.remove(k);
    }

    /** Live learned addresses per name (for the API). */
    public Map<String, List<String>> learnedNames(long nowNs) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (var e : learned.entrySet()) {
            List<String> addrs = new ArrayList<>();
            for (var a : e.getValue().entrySet()) {
                if (a.getValue() > nowNs) addrs.add(dev.jslirp.wire.Ipv4Address.toString(a.getKey()));
            }
            if (!addrs.isEmpty()) out.put(e.getKey(), addrs);
        }
        return out;
    }
}
