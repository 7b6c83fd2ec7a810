package dev.jslirp.cli;

import dev.jslirp.config.Limits;
import picocli.CommandLine.Option;

/** Resource caps (config.Limits) on the command line; every option defaults to {@link Limits#DEFAULT}. */
public final class LimitOptions {
    @Option(names = "--max-tcp-flows", paramLabel = "N", description = "Concurrent TCP flows (default 4096).")
    Integer maxTcpFlows;

    @Option(names = "--max-half-open", paramLabel = "N", description = "Guest SYNs whose host connect is in progress (default 256).")
    Integer maxHalfOpen;

    @Option(names = "--max-udp-flows", paramLabel = "N", description = "Concurrent UDP flows (default 1024).")
    Integer maxUdpFlows;

    @Option(names = "--tcp-buffer", paramLabel = "BYTES", description = "Per-flow TCP buffer cap, each way (default 2097152).")
    Integer tcpBufferBytes;

    @Option(names = "--total-buffer", paramLabel = "BYTES", description = "All TCP buffers together (default 67108864).")
    Long totalBufferBytes;

    @Option(names = "--tcp-connect-timeout", paramLabel = "MS", description = "Host connect timeout for guest SYNs (default 20000).")
    Long tcpConnectTimeoutMs;

    @Option(names = "--udp-idle-timeout", paramLabel = "MS", description = "A silent UDP flow is closed after this (default 60000).")
    Long udpIdleTimeoutMs;

    @Option(names = "--tcp-keepalive", paramLabel = "MS",
            description = "Probe a TCP flow whose guest was silent this long; reset it if the guest does not answer (default 300000, 0: off).")
    Long tcpKeepaliveIdleMs;

    @Option(names = "--max-reassembly", paramLabel = "N", description = "IPv4 datagrams reassembled at once (default 64).")
    Integer maxReassembly;

    @Option(names = "--reassembly-buffer", paramLabel = "BYTES", description = "Fragment bytes held, all datagrams (default 1048576).")
    Integer reassemblyBufferBytes;

    @Option(names = "--max-spliced", paramLabel = "N",
            description = "With --splice-forwards: concurrent spliced connections, 6 descriptors each (default 1024).")
    Integer maxSpliced;

    /** @throws IllegalArgumentException naming the bad value */
    Limits toLimits() {
        Limits d = Limits.DEFAULT;
        try {
            return new Limits(or(maxTcpFlows, d.maxTcpFlows()), or(maxHalfOpen, d.maxHalfOpenTcp()),
                    or(maxUdpFlows, d.maxUdpFlows()), d.maxIcmpFlows(), or(tcpBufferBytes, d.tcpBufferBytes()),
                    or(udpIdleTimeoutMs, d.udpIdleTimeoutMs()), d.icmpIdleTimeoutMs(),
                    or(tcpConnectTimeoutMs, d.tcpConnectTimeoutMs()), or(totalBufferBytes, d.totalBufferBytes()),
                    or(maxReassembly, d.maxReassemblyDatagrams()), or(reassemblyBufferBytes, d.reassemblyBufferBytes()),
                    or(tcpKeepaliveIdleMs, d.tcpKeepaliveIdleMs()), or(maxSpliced, d.maxSplicedFlows()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid limit: " + e.getMessage(), e);
        }
    }

    private static int or(Integer v, int d) { return v != null ? v : d; }

    private static long or(Long v, long d) { return v != null ? v : d; }
}
