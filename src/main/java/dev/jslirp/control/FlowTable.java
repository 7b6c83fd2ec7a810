package dev.jslirp.control;

import dev.jslirp.icmp.IcmpRelay;
import dev.jslirp.iface.Counters;
import dev.jslirp.splice.SplicedForwards;
import dev.jslirp.tcp.TcpNat;
import dev.jslirp.udp.UdpNat;
import dev.jslirp.wire.Ipv4Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live flows and the counters, as plain maps and lists ready for JSON (the API's
 * {@code list_flows} and {@code get_counters}) or Prometheus text ({@link Metrics}). Built on
 * the loop thread on request; the result is a fresh immutable-by-convention value that other
 * threads may read.
 */
public final class FlowTable {
    private final TcpNat tcp;
    private final UdpNat udp;
    private final IcmpRelay icmp;
    private final Counters counters;
    /** Null without --splice-forwards. */
    private final SplicedForwards spliced;
    /** The guest link, whose transport counters are reported under "link"; null for none. */
    private final dev.jslirp.link.Link link;

    public FlowTable(TcpNat tcp, UdpNat udp, IcmpRelay icmp, Counters counters) {
        this(tcp, udp, icmp, counters, null, null);
    }

    /**
     * @param spliced the spliced forwards, listed as TCP flows in state SPLICED (or CONNECTING); null if none
     * @param link the guest link, for its own counters ({@link dev.jslirp.link.Link#counters}); null if none
     */
    public FlowTable(TcpNat tcp, UdpNat udp, IcmpRelay icmp, Counters counters, SplicedForwards spliced,
                     dev.jslirp.link.Link link) {
        this.tcp = tcp;
        this.udp = udp;
        this.icmp = icmp;
        this.counters = counters;
        this.spliced = spliced;
        this.link = link;
    }

    /** Every live flow: proto, guest, peer, host, direction, state, bytes each way, age. */
    public List<Map<String, Object>> flows(long nowNs) {
        List<Map<String, Object>> out = new ArrayList<>();
        dev.jslirp.flow.FlowVisitor v = (protocol, gAddr, gPort, pAddr, pPort, hAddr, hPort, inbound, state, fromGuest, toGuest, openedNs) -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("proto", protocolName(protocol));
            f.put("guest", endpoint(protocol, gAddr, gPort));
            f.put("peer", endpoint(protocol, pAddr, pPort));
            f.put("host", hAddr == 0 ? null : endpoint(protocol, hAddr, hPort));
            f.put("direction", inbound ? "inbound" : "outbound");
            f.put("state", state);
            f.put("bytes_from_guest", fromGuest);
            f.put("bytes_to_guest", toGuest);
            f.put("age_ms", Math.max(0, (nowNs - openedNs) / 1_000_000L));
            out.add(f);
        };
        tcp.forEachFlow(v);
        if (spliced != null) spliced.forEachFlow(v);
        udp.forEachFlow(v);
        icmp.forEachFlow(v);
        return out;
    }

    /** Counters: interface counters (all, zeros included), flows by protocol and state, NAT totals, the link's own. */
    public Map<String, Object> counters() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("interface", interfaceCounters(counters));
        Map<String, Integer> tcpStates = new TreeMap<>();
        int[] udpFlows = {0}, icmpFlows = {0};
        tcp.forEachFlow((p, ga, gp, pa, pp, ha, hp, in, state, f, t, o) -> tcpStates.merge(state, 1, Integer::sum));
        if (spliced != null) spliced.forEachFlow((p, ga, gp, pa, pp, ha, hp, in, state, f, t, o) -> tcpStates.merge(state, 1, Integer::sum));
        udp.forEachFlow((p, ga, gp, pa, pp, ha, hp, in, state, f, t, o) -> udpFlows[0]++);
        icmp.forEachFlow((p, ga, gp, pa, pp, ha, hp, in, state, f, t, o) -> icmpFlows[0]++);
        Map<String, Object> flows = new LinkedHashMap<>();
        flows.put("tcp", tcpStates);
        flows.put("udp", udpFlows[0]);
        flows.put("icmp", icmpFlows[0]);
        out.put("flows", flows);
        Map<String, Long> nat = new LinkedHashMap<>();
        nat.put("tcp_flows_opened", tcp.flowsOpened);
        nat.put("tcp_flows_refused_by_cap", tcp.flowsRefusedByCap);
        nat.put("tcp_connect_timeouts", tcp.connectTimeouts);
        nat.put("tcp_time_wait_reclaimed", tcp.timeWaitReclaimed);
        nat.put("tcp_accept_pauses", tcp.acceptPauses);
        nat.put("tcp_resets_for_unknown_flows", tcp.resetsForUnknownFlows);
        if (spliced != null) {
            nat.put("tcp_spliced_opened", spliced.opened);
            nat.put("tcp_spliced_connect_failures", spliced.connectFailures);
            nat.put("tcp_spliced_refused_by_cap", spliced.refusedByCap);
            nat.put("tcp_spliced_resets", spliced.resets);
        }
        nat.put("udp_flows_opened", udp.flowsOpened);
        nat.put("udp_flows_refused_by_cap", udp.flowsRefusedByCap);
        nat.put("udp_host_send_errors", udp.hostSendErrors);
        nat.put("icmp_echo_relayed", icmp.echoRelayed);
        nat.put("icmp_replies_relayed", icmp.repliesRelayed);
        out.put("nat", nat);
        Map<String, Long> linkCounters = new LinkedHashMap<>();
        if (link != null) link.counters(linkCounters);
        out.put("link", linkCounters);
        return out;
    }

    /** Every public long field of {@link Counters}, zeros included (Prometheus wants stable series). */
    static Map<String, Long> interfaceCounters(Counters c) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var field : Counters.class.getFields()) {
            if (field.getType() != long.class || java.lang.reflect.Modifier.isStatic(field.getModifiers())) continue;
            try {
                out.put(field.getName(), field.getLong(c));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    static String protocolName(int protocol) {
        return switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            default -> Integer.toString(protocol);
        };
    }

    static String endpoint(int protocol, int addr, int port) {
        return protocol == 1 ? Ipv4Address.toString(addr) : Ipv4Address.toString(addr) + ":" + port;
    }
}
