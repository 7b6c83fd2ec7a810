package dev.jslirp.control;

import com.sun.net.httpserver.HttpServer;
import dev.jslirp.host.EventLoop;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code --metrics ADDR:PORT}: the counters in Prometheus text format over HTTP ({@code GET /metrics}).
 *
 * <p>Threads: the NAT state belongs to the loop thread, so the loop builds the text itself, as
 * a {@link EventLoop.Timed} every {@link #PERIOD_MS} ms, and publishes the immutable String
 * through a volatile field; the JDK's HTTP server runs on its own thread and only reads that
 * field. A scrape sees data at most one period old and never a half-updated counter.
 */
public final class Metrics implements EventLoop.Timed, AutoCloseable {
    static final long PERIOD_MS = 1000;
    private final FlowTable table;
    private volatile String text = "";
    private long nextNs = Long.MIN_VALUE;
    private HttpServer server;

    public Metrics(FlowTable table) { this.table = table; }

    /**
     * {@code --metrics ADDR:PORT}: a literal loopback address and a port 0..65535 (0: any free one).
     * Checked before anything starts, so a typo is a usage error (exit 2), not a failed start.
     * @throws IllegalArgumentException naming the option and what is wrong
     */
    public static InetSocketAddress parseAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("--metrics must be ADDR:PORT, e.g. 127.0.0.1:9464, got '" + hostPort + "'");
        String host = hostPort.substring(0, colon);
        String portText = hostPort.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 0xFFFF || !portText.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("--metrics " + hostPort + ": the port must be 0..65535");
        }
        InetAddress addr;
        if (host.equals("localhost")) {
            addr = InetAddress.getLoopbackAddress();
        } else {
            OptionalInt v4 = dev.jslirp.config.HostForward.inetPton(host);
            if (v4.isEmpty()) throw new IllegalArgumentException("--metrics " + hostPort + ": the address must be an IPv4 loopback address such as 127.0.0.1");
            int a = v4.getAsInt();
            try {
                addr = InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e); // four bytes are always an address
            }
        }
        if (!addr.isLoopbackAddress()) throw new IllegalArgumentException("--metrics " + hostPort + ": only a loopback address is allowed");
        return new InetSocketAddress(addr, port);
    }

    /** Serves {@code /metrics} on a loopback address only. @throws IllegalArgumentException otherwise */
    public void serve(String hostPort) {
        InetSocketAddress at = parseAddress(hostPort);
        try {
            server = HttpServer.create(at, 8);
        } catch (IOException e) {
            throw new IllegalStateException("--metrics " + hostPort + ": " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            String method = exchange.getRequestMethod();
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1); // headers only (a length here makes the JDK's server warn)
                exchange.close();
                return;
            }
            if (!method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.setExecutor(null); // the server's own single thread
        server.start();
    }

    public int port() { return server.getAddress().getPort(); }

    /** The text last published. */
    public String text() { return text; }

    @Override
    public long nextDeadlineNs() { return nextNs; }

    @Override
    public void onTimer(long nowNs) {
        publish();
        nextNs = nowNs + PERIOD_MS * 1_000_000L;
    }

    /** Builds and publishes a snapshot now (loop thread). */
    public void publish() { text = render(table.counters()); }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> counters) {
        StringBuilder b = new StringBuilder(4096);
        Map<String, Long> iface = (Map<String, Long>) counters.get("interface");
        b.append("# HELP jslirp_frames_total Ethernet frames on the guest link.\n# TYPE jslirp_frames_total counter\n");
        b.append("jslirp_frames_total{direction=\"from_guest\"} ").append(iface.get("framesFromGuest")).append('\n');
        b.append("jslirp_frames_total{direction=\"to_guest\"} ").append(iface.get("framesToGuest")).append('\n');
        b.append("# HELP jslirp_drops_total Frames and packets dropped, by reason.\n# TYPE jslirp_drops_total counter\n");
        for (var e : iface.entrySet()) {
            if (e.getKey().startsWith("drop") || e.getKey().equals("framesToGuestDropped")) {
                b.append("jslirp_drops_total{reason=\"").append(e.getKey()).append("\"} ").append(e.getValue()).append('\n');
            }
        }
        b.append("# HELP jslirp_events_total Other interface events.\n# TYPE jslirp_events_total counter\n");
        for (var e : iface.entrySet()) {
            if (!e.getKey().startsWith("drop") && !e.getKey().startsWith("frames")) {
                b.append("jslirp_events_total{name=\"").append(e.getKey()).append("\"} ").append(e.getValue()).append('\n');
            }
        }
        Map<String, Object> flows = (Map<String, Object>) counters.get("flows");
        b.append("# HELP jslirp_flows Live flows by protocol and state.\n# TYPE jslirp_flows gauge\n");
        for (var e : ((Map<String, Integer>) flows.get("tcp")).entrySet()) {
            b.append("jslirp_flows{protocol=\"tcp\",state=\"").append(e.getKey()).append("\"} ").append(e.getValue()).append('\n');
        }
        b.append("jslirp_flows{protocol=\"udp\",state=\"active\"} ").append(flows.get("udp")).append('\n');
        b.append("jslirp_flows{protocol=\"icmp\",state=\"active\"} ").append(flows.get("icmp")).append('\n');
        b.append("# HELP jslirp_nat_total NAT engine totals.\n# TYPE jslirp_nat_total counter\n");
        for (var e : ((Map<String, Long>) counters.get("nat")).entrySet()) {
            b.append("jslirp_nat_total{name=\"").append(e.getKey()).append("\"} ").append(e.getValue()).append('\n');
        }
        Map<String, Long> link = (Map<String, Long>) counters.get("link");
        if (link != null && !link.isEmpty()) {
            b.append("# HELP jslirp_link_total The guest link's own drops and events (its transport).\n# TYPE jslirp_link_total counter\n");
            for (var e : link.entrySet()) {
                b.append("jslirp_link_total{name=\"").append(e.getKey()).append("\"} ").append(e.getValue()).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (server != null) server.stop(0);
    }
}
