package dev.jslirp.e2e;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A "remote" host for egress tests: a second namespace joined to the root namespace by a
 * veth pair, host end 198.51.100.1/24 (TEST-NET-2, RFC 5737), remote end 198.51.100.2/24.
 * The backend runs in the root namespace, so a guest flow NAT'd to 198.51.100.2 really
 * crosses the veth. Its servers are socat processes inside the namespace; ICMP echo is
 * answered by its kernel. {@link #snmp()} reads its own /proc/net/snmp, so a test can prove
 * that a packet did, or did not, arrive.
 *
 * <p>Only one may exist at a time on a machine (the root end's address is fixed).
 */
public final class OutsideHost implements AutoCloseable {
    public static final String HOST_END_ADDRESS = "198.51.100.1";
    public static final String ADDRESS = "198.51.100.2";
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    private final Netns netns;
    private final String hostEnd;

    private OutsideHost(Netns netns, String hostEnd) {
        this.netns = netns;
        this.hostEnd = hostEnd;
    }

    public static OutsideHost create() {
        // A previous namespace's veth disappears asynchronously after `ip netns del`.
        Await.until(() -> !Commands.run(IP_TIMEOUT, List.of("ip", "-4", "-o", "addr", "show"))
                        .stdout().contains(" " + HOST_END_ADDRESS + "/"),
                Duration.ofSeconds(10), "no other interface to hold " + HOST_END_ADDRESS + " (another e2e run?)");
        Netns ns = Netns.create();
        String suffix = ns.name().substring(ns.name().lastIndexOf('-') + 1);
        String hostEnd = "jse2e" + suffix.substring(0, Math.min(8, suffix.length()));   // IFNAMSIZ: 15 chars
        OutsideHost host = new OutsideHost(ns, hostEnd);
        try {
            Commands.check(IP_TIMEOUT, "ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "outside0",
                    "netns", ns.name());
            Commands.check(IP_TIMEOUT, "ip", "addr", "add", HOST_END_ADDRESS + "/24", "dev", hostEnd);
            Commands.check(IP_TIMEOUT, "ip", "link", "set", hostEnd, "up");
            Commands.check(IP_TIMEOUT, "ip", "-n", ns.name(), "addr", "add", ADDRESS + "/24", "dev", "outside0");
            Commands.check(IP_TIMEOUT, "ip", "-n", ns.name(), "link", "set", "outside0", "up");
            Await.until(() -> Commands.run(IP_TIMEOUT, List.of("busybox", "ping", "-c1", "-W1", ADDRESS)).ok(),
                    Duration.ofSeconds(10), "the outside host to answer ping from the root namespace");
        } catch (RuntimeException | AssertionError e) {
            host.close();
            throw e;
        }
        return host;
    }

    public Netns netns() { return netns; }

    /** The veth end in the root namespace (where the backend's packets to {@link #ADDRESS} leave). */
    public String hostEnd() { return hostEnd; }

    /** A TCP server on {@code port} that sends {@code greeting} to every connection and closes. */
    public GuestProcess tcpGreeter(int port, String greeting) {
        GuestProcess p = netns.spawn("socat", "-d", "-d", "TCP4-LISTEN:" + port + ",reuseaddr,fork",
                "SYSTEM:echo " + greeting);
        netns.awaitListening("t", port, Duration.ofSeconds(10));
        return p;
    }

    /** A UDP echo server on {@code port}. */
    public GuestProcess udpEcho(int port) {
        GuestProcess p = netns.spawn("socat", "-d", "-d", "UDP4-LISTEN:" + port + ",reuseaddr,fork", "PIPE");
        netns.awaitListening("u", port, Duration.ofSeconds(10));
        return p;
    }

    /** The remote kernel's counters ("Icmp.InEchos", "Tcp.PassiveOpens", "Udp.InDatagrams", ...). */
    public Map<String, Long> snmp() {
        String[] lines = netns.exec(IP_TIMEOUT, "cat", "/proc/net/snmp").assertOk().stdout().split("\n");
        Map<String, Long> counters = new HashMap<>();
        for (int i = 0; i + 1 < lines.length; i += 2) {
            String[] names = lines[i].split("\\s+");
            String[] values = lines[i + 1].split("\\s+");
            String proto = names[0].replace(":", "");
            for (int j = 1; j < names.length && j < values.length; j++) {
                counters.put(proto + "." + names[j], Long.parseLong(values[j]));
            }
        }
        return counters;
    }

    @Override
    public void close() {
        try {
            Commands.run(IP_TIMEOUT, List.of("ip", "link", "del", hostEnd));
        } finally {
            netns.close();
        }
    }
}
