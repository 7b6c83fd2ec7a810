package dev.jslirp.cli;

import picocli.CommandLine.Option;

/** Observability and control: the API socket, pcap capture, audit log, metrics. */
public final class OperatorOptions {
    @Option(names = {"-a", "--api-socket"}, paramLabel = "PATH",
            description = "Serve slirp4netns's JSON API on this unix socket (add_hostfwd, list_hostfwd, remove_hostfwd; "
                    + "also list_flows, get_counters, get_policy, set_policy).")
    String apiSocket;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Write every frame on the guest link, each way, to FILE (pcap).")
    String pcap;

    @Option(names = "--audit", paramLabel = "FILE",
            description = "Append one JSON line per flow opened, denied and closed, with the verdict, to FILE.")
    String audit;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT",
            description = "Serve counters in Prometheus text format at http://ADDR:PORT/metrics (loopback addresses only).")
    String metrics;
}
