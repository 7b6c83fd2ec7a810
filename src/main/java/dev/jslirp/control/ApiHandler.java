package dev.jslirp.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jslirp.config.Config;
import dev.jslirp.config.EgressRule;
import dev.jslirp.config.HostForward;
import dev.jslirp.flow.EgressPolicy;
import dev.jslirp.wire.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The API's requests, slirp4netns's QMP-like JSON: {@code {"execute": NAME, "arguments": {...}}}
 * in, {@code {"return": {...}}} or {@code {"error": {"desc": "..."}}} out. slirp4netns's own
 * commands keep its meaning exactly:
 * <ul>
 *   <li>{@code add_hostfwd} {proto, host_addr="0.0.0.0", host_port, guest_addr=the --configure address, guest_port}
 *       → {@code {"id": N}}, bound at once;</li>
 *   <li>{@code list_hostfwd} → {@code {"entries": [{id, proto, host_addr, host_port, guest_addr, guest_port}]}};</li>
 *   <li>{@code remove_hostfwd} {id} → {@code {}}, closed at once.</li>
 * </ul>
 * jslirp adds {@code list_flows}, {@code get_counters}, {@code get_policy} and {@code set_policy}
 * ({@code {"allow": ["tcp:198.51.100.0/24:443", ...]}} turns the allow-list on with those rules,
 * {@code {"open": true}} turns it off). Runs on the loop thread; a bad request never throws.
 */
public final class ApiHandler {
    private final ObjectMapper json = new ObjectMapper();
    private final Config config;
    private final ForwardRegistry forwards;
    private final FlowTable flows;
    private final EgressPolicy policy;

    public ApiHandler(Config config, ForwardRegistry forwards, FlowTable flows, EgressPolicy policy) {
        this.config = config;
        this.forwards = forwards;
        this.flows = flows;
        this.policy = policy;
    }

    /** One request's text → one reply's text (without a newline). */
    public String handle(String request, long nowNs) {
        JsonNode req;
        try {
            req = json.readTree(request);
        } catch (Exception e) {
            return error("bad request: cannot parse JSON");
        }
        if (req == null || !req.isObject() || !req.path("execute").isTextual()) return error("bad request: no execute");
        String execute = req.get("execute").asText();
        JsonNode args = req.path("arguments");
        try {
            return switch (execute) {
                case "add_hostfwd" -> addHostfwd(args);
                case "list_hostfwd" -> listHostfwd();
                case "remove_hostfwd" -> removeHostfwd(args);
                case "list_flows" -> ok(Map.of("flows", flows.flows(nowNs)));
                case "get_counters" -> ok(flows.counters());
                case "get_policy" -> getPolicy(nowNs);
                case "set_policy" -> setPolicy(args, nowNs);
                default -> error("bad request: unknown execute: " + execute);
            };
        } catch (BadRequest e) {
            return error("bad request: " + execute + ": " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return error(execute + ": " + e.getMessage());
        }
    }

    private String addHostfwd(JsonNode args) {
        String proto = text(args, "proto", null);
        if (!"tcp".equals(proto) && !"udp".equals(proto)) throw new BadRequest("bad arguments.proto");
        int hostAddr = address(args, "host_addr", 0);
        int hostPort = port(args, "host_port", true);
        int guestAddr = address(args, "guest_addr", config.guestAddr());
        int guestPort = port(args, "guest_port", true);
        if (guestPort == 0) throw new BadRequest("bad arguments.guest_port: 0 (only the host port may be 0, for any free port)");
        HostForward rule = new HostForward(proto.equals("udp") ? HostForward.Protocol.UDP : HostForward.Protocol.TCP,
                hostAddr, hostPort, guestAddr, guestPort);
        try {
            config.checkForward(rule);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        int id = forwards.add(rule);
        return ok(Map.of("id", id));
    }

    private String listHostfwd() {
        ArrayNode entries = json.createArrayNode();
        for (ForwardRegistry.Entry e : forwards.list()) {
            ObjectNode o = entries.addObject();
            o.put("id", e.id());
            o.put("proto", e.rule().protocol().ruleName());
            o.put("host_addr", Ipv4Address.toString(e.rule().hostAddr()));
            o.put("host_port", forwards.boundPort(e));
            o.put("guest_addr", Ipv4Address.toString(forwards.guestAddr(e)));
            o.put("guest_port", e.rule().guestPort());
        }
        ObjectNode ret = json.createObjectNode();
        ret.set("entries", entries);
        return ok(ret);
    }

    private String removeHostfwd(JsonNode args) {
        JsonNode id = args.path("id");
        if (!id.canConvertToInt()) throw new BadRequest("bad arguments.id");
        if (!forwards.remove(id.asInt())) throw new BadRequest("bad arguments.id: no such forward");
        return ok(Map.of());
    }

    private String getPolicy(long nowNs) {
        ObjectNode ret = json.createObjectNode();
        ret.put("mode", !config.open() ? "restricted" : policy.enabled() ? "allowlist" : "open");
        ArrayNode allow = ret.putArray("allow");
        for (EgressRule r : policy.rules()) allow.add(r.toString());
        ret.set("names", json.valueToTree(policy.learnedNames(nowNs)));
        return ok(ret);
    }

    private String setPolicy(JsonNode args, long nowNs) {
        if (!config.open()) throw new IllegalStateException("the network is restricted; start jslirp with --open or --allow to use a policy");
        if (args.path("open").asBoolean(false)) {
            if (!args.path("allow").isMissingNode()) {
                throw new BadRequest("bad arguments: open: true and allow exclude each other (open lifts the allow-list)");
            }
            policy.disable();
            return getPolicy(nowNs);
        }
        JsonNode allow = args.path("allow");
        List<EgressRule> rules = new ArrayList<>();
        if (allow.isTextual()) {
            rules.addAll(EgressRule.parseList(allow.asText()));
        } else if (allow.isArray()) {
            for (JsonNode r : allow) {
                if (!r.isTextual()) throw new BadRequest("bad arguments.allow: rules are strings");
                rules.add(EgressRule.parse(r.asText()));
            }
        } else {
            throw new BadRequest("bad arguments: expected allow (array or ';'-separated string) or open: true");
        }
        policy.set(rules);
        return getPolicy(nowNs);
    }

    private static String text(JsonNode args, String name, String dflt) {
        JsonNode n = args.path(name);
        return n.isTextual() ? n.asText() : dflt;
    }

    private static int address(JsonNode args, String name, int dflt) {
        JsonNode n = args.path(name);
        if (n.isMissingNode() || n.isNull() || (n.isTextual() && n.asText().isEmpty())) return dflt;
        if (!n.isTextual()) throw new BadRequest("bad arguments." + name);
        try {
            return Ipv4Address.parse(n.asText());
        } catch (IllegalArgumentException e) {
            throw new BadRequest("bad arguments." + name);
        }
    }

    private static int port(JsonNode args, String name, boolean required) {
        JsonNode n = args.path(name);
        if (n.isMissingNode() && !required) return 0;
        if (!n.isIntegralNumber() || n.asInt() < 0 || n.asInt() > 0xFFFF) throw new BadRequest("bad arguments." + name);
        return n.asInt();
    }

    private String ok(Object value) {
        try {
            return json.writeValueAsString(Map.of("return", value));
        } catch (Exception e) {
            return error("internal error: " + e.getMessage());
        }
    }

    private String error(String desc) {
        ObjectNode o = json.createObjectNode();
        o.putObject("error").put("desc", desc);
        return o.toString();
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) { super(message, null, false, false); }
    }
}
