package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.config.EgressRule;
import dev.jslirp.control.ApiHandler;
import dev.jslirp.control.ApiServer;
import dev.jslirp.control.AuditLog;
import dev.jslirp.control.FlowTable;
import dev.jslirp.control.ForwardRegistry;
import dev.jslirp.control.Metrics;
import dev.jslirp.flow.EgressPolicy;
import dev.jslirp.flow.Forwarding;
import dev.jslirp.link.Link;
import dev.jslirp.link.PcapLink;
import dev.jslirp.service.dns.DnsSnooper;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Wires the operator features around a {@link Stack}: pcap capture on the link, the egress
 * policy and its DNS snooper, the audit log, the API socket, Prometheus metrics. Every mode
 * calls the same three steps: {@link #link}, {@link #forwarding}, {@link #attach}.
 */
final class Operators {
    private static final Logger LOG = System.getLogger("jslirp");

    private final OperatorOptions options;
    private final EgressPolicy policy = new EgressPolicy();

    /** @throws IllegalArgumentException (a usage error) for an option value that can never work */
    Operators(OperatorOptions options, List<EgressRule> allowRules) {
        this.options = options;
        if (allowRules != null) policy.set(allowRules);
        if (options.metrics != null) Metrics.parseAddress(options.metrics);
        if (options.pcap != null && options.pcap.isEmpty()) throw new IllegalArgumentException("--pcap: empty file name");
        if (options.audit != null && options.audit.isEmpty()) throw new IllegalArgumentException("--audit: empty file name");
        if (options.apiSocket != null && options.apiSocket.isEmpty()) throw new IllegalArgumentException("--api-socket: empty path");
    }

    EgressPolicy policy() { return policy; }

    /**
     * The whole wiring for a mode: the link decorated, the stack built with our forwarding,
     * {@code configure} applied, forwards bound, operators attached. A failure closes the
     * stack and surfaces as a StartupException (exit 1) naming what failed.
     */
    Stack stack(Config config, Link link, boolean dnsForwarding, java.util.function.Consumer<Stack> configure) {
        Link captured;
        try {
            captured = link(link);
        } catch (IllegalArgumentException e) { // the capture file cannot be written
            link.close();
            throw new StartupException(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        Stack stack = new Stack(config, captured, dev.jslirp.time.NanoClock.SYSTEM, forwarding(config, dnsForwarding));
        try {
            configure.accept(stack);
            stack.bindForwards();
            attach(stack);
        } catch (IllegalStateException | IllegalArgumentException e) {
            stack.close();
            throw new StartupException(e.getMessage(), Main.EXIT_FAILURE, e);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    /** The link, wrapped by pcap capture when asked. */
    Link link(Link link) {
        if (options.pcap == null) return link;
        PcapLink capture = PcapLink.open(link, options.pcap);
        LOG.log(Level.INFO, "capturing guest frames to " + options.pcap);
        return capture;
    }

    Forwarding forwarding(Config config, boolean dnsForwarding) {
        return new Forwarding(config, policy, dnsForwarding);
    }

    /**
     * Attaches observers and control to a stack whose forwards are bound (the API's ids follow
     * them). @throws IllegalArgumentException / StartupException for a file or socket that cannot be opened
     */
    void attach(Stack stack) {
        AuditLog audit = options.audit != null ? AuditLog.toFile(options.audit) : AuditLog.toLogOnly();
        stack.closeWith(audit);
        stack.tcp().observer(audit);
        stack.udp().observer(audit);
        stack.icmp().observer(audit);
        if (stack.spliced() != null) stack.spliced().observer(audit);
        DnsSnooper snooper = new DnsSnooper(policy);
        stack.udp().upstreamDnsTap((addr, port, buf, offset, length, nowNs) -> snooper.onAnswer(buf, offset, length, nowNs));
        if (policy.enabled()) LOG.log(Level.INFO, "egress allow-list: " + policy.rules());

        FlowTable table = new FlowTable(stack.tcp(), stack.udp(), stack.icmp(), stack.counters(), stack.spliced(), stack.link());
        if (options.apiSocket != null) {
            ForwardRegistry forwards = new ForwardRegistry(stack.config(), stack.tcp(), stack.udp());
            forwards.registerStartupForwards();
            ApiHandler handler = new ApiHandler(stack.config(), forwards, table, policy);
            // Load what a request needs now, before any sandbox applies (no file access after it).
            handler.handle("{\"execute\":\"list_hostfwd\"}", 0);
            handler.handle("{\"execute\":\"nothing\",\"arguments\":{\"id\":1}}", 0);
            try {
                stack.closeWith(ApiServer.listen(stack.loop(), handler, options.apiSocket));
            } catch (IllegalStateException e) {
                throw new StartupException(e.getMessage(), Main.EXIT_FAILURE, e);
            }
            LOG.log(Level.INFO, "API socket " + options.apiSocket);
        }
        if (options.metrics != null) {
            Metrics metrics = new Metrics(table);
            metrics.publish();
            metrics.serve(options.metrics);
            stack.loop().addTimed(metrics);
            stack.closeWith(metrics);
            LOG.log(Level.INFO, "metrics at http://" + options.metrics + "/metrics");
        }
    }
}
