package dev.jslirp.config;

/**
 * Resource caps. The guest controls how many flows it opens; these keep that from
 * exhausting the host's descriptors or memory.
 *
 * @param maxTcpFlows concurrent TCP flows (both directions)
 * @param maxHalfOpenTcp guest SYNs whose host connect is still in progress
 * @param maxUdpFlows concurrent UDP flows
 * @param maxIcmpFlows concurrent ICMP echo flows
 * @param tcpBufferBytes per-flow buffer each way
 * @param udpIdleTimeoutMs a UDP flow with no traffic this long is closed
 * @param tcpKeepaliveIdleMs a TCP flow whose guest has been silent this long is probed, and
 *     reset if the guest does not answer (it vanished); 0 turns keep-alive off
 * @param icmpIdleTimeoutMs an ICMP echo flow with no traffic this long is closed
 * @param tcpConnectTimeoutMs a host connect that has not completed by then fails
 * @param totalBufferBytes what all TCP flows' buffers together may grow to (each flow's
 *     first 16 KiB each way is always granted; see {@code tcp.BufferBudget})
 * @param maxReassemblyDatagrams IPv4 datagrams being reassembled at once
 * @param reassemblyBufferBytes bytes of fragments held for reassembly, all datagrams together
 * @param maxSplicedFlows concurrent spliced forward connections ({@code --splice-forwards}); a
 *     cap of their own, as each holds six descriptors (two sockets, two pipes) where a TCP
 *     flow holds one
 */
public record Limits(int maxTcpFlows, int maxHalfOpenTcp, int maxUdpFlows, int maxIcmpFlows,
                     int tcpBufferBytes, long udpIdleTimeoutMs, long icmpIdleTimeoutMs, long tcpConnectTimeoutMs,
                     long totalBufferBytes, int maxReassemblyDatagrams, int reassemblyBufferBytes,
                     long tcpKeepaliveIdleMs, int maxSplicedFlows) {
    public static final long DEFAULT_TCP_KEEPALIVE_IDLE_MS = 300_000;
    public static final int DEFAULT_MAX_SPLICED_FLOWS = 1024;
    public static final long DEFAULT_TOTAL_BUFFER_BYTES = 64L << 20;
    public static final int DEFAULT_REASSEMBLY_DATAGRAMS = 64;
    public static final int DEFAULT_REASSEMBLY_BUFFER_BYTES = 1 << 20;
    public static final Limits DEFAULT = new Limits(4096, 256, 1024, 64, 2 << 20, 60_000, 10_000, 20_000);

    /** The first eight limits; buffer budget and reassembly at their defaults. */
    public Limits(int maxTcpFlows, int maxHalfOpenTcp, int maxUdpFlows, int maxIcmpFlows,
                  int tcpBufferBytes, long udpIdleTimeoutMs, long icmpIdleTimeoutMs, long tcpConnectTimeoutMs) {
        this(maxTcpFlows, maxHalfOpenTcp, maxUdpFlows, maxIcmpFlows, tcpBufferBytes, udpIdleTimeoutMs, icmpIdleTimeoutMs,
                tcpConnectTimeoutMs, DEFAULT_TOTAL_BUFFER_BYTES, DEFAULT_REASSEMBLY_DATAGRAMS, DEFAULT_REASSEMBLY_BUFFER_BYTES);
    }

    /** All but the spliced connections' cap, which takes its default. */
    public Limits(int maxTcpFlows, int maxHalfOpenTcp, int maxUdpFlows, int maxIcmpFlows,
                  int tcpBufferBytes, long udpIdleTimeoutMs, long icmpIdleTimeoutMs, long tcpConnectTimeoutMs,
                  long totalBufferBytes, int maxReassemblyDatagrams, int reassemblyBufferBytes, long tcpKeepaliveIdleMs) {
        this(maxTcpFlows, maxHalfOpenTcp, maxUdpFlows, maxIcmpFlows, tcpBufferBytes, udpIdleTimeoutMs, icmpIdleTimeoutMs,
                tcpConnectTimeoutMs, totalBufferBytes, maxReassemblyDatagrams, reassemblyBufferBytes, tcpKeepaliveIdleMs,
                DEFAULT_MAX_SPLICED_FLOWS);
    }

    /** All but the keep-alive and the spliced connections' cap, which take their defaults. */
    public Limits(int maxTcpFlows, int maxHalfOpenTcp, int maxUdpFlows, int maxIcmpFlows,
                  int tcpBufferBytes, long udpIdleTimeoutMs, long icmpIdleTimeoutMs, long tcpConnectTimeoutMs,
                  long totalBufferBytes, int maxReassemblyDatagrams, int reassemblyBufferBytes) {
        this(maxTcpFlows, maxHalfOpenTcp, maxUdpFlows, maxIcmpFlows, tcpBufferBytes, udpIdleTimeoutMs, icmpIdleTimeoutMs,
                tcpConnectTimeoutMs, totalBufferBytes, maxReassemblyDatagrams, reassemblyBufferBytes, DEFAULT_TCP_KEEPALIVE_IDLE_MS);
    }

    public Limits {
        if (maxTcpFlows < 1 || maxTcpFlows > 1 << 20) throw new IllegalArgumentException("maxTcpFlows out of range: " + maxTcpFlows);
        if (maxHalfOpenTcp < 1) throw new IllegalArgumentException("maxHalfOpenTcp must be positive");
        if (maxUdpFlows < 1 || maxUdpFlows > 1 << 20) throw new IllegalArgumentException("maxUdpFlows out of range: " + maxUdpFlows);
        if (maxIcmpFlows < 1) throw new IllegalArgumentException("maxIcmpFlows must be positive");
        if (tcpBufferBytes < 4096 || tcpBufferBytes > 64 << 20) throw new IllegalArgumentException("tcpBufferBytes out of range: " + tcpBufferBytes);
        if (totalBufferBytes < 0) throw new IllegalArgumentException("totalBufferBytes must not be negative");
        if (maxReassemblyDatagrams < 1) throw new IllegalArgumentException("maxReassemblyDatagrams must be positive");
        if (reassemblyBufferBytes < 2048) throw new IllegalArgumentException("reassemblyBufferBytes must be at least 2048");
        if (udpIdleTimeoutMs < 1 || icmpIdleTimeoutMs < 1 || tcpConnectTimeoutMs < 1) throw new IllegalArgumentException("timeouts must be positive");
        if (tcpKeepaliveIdleMs < 0) throw new IllegalArgumentException("tcpKeepaliveIdleMs must not be negative (0: off)");
        if (maxSplicedFlows < 1 || maxSplicedFlows > 1 << 20) throw new IllegalArgumentException("maxSplicedFlows out of range: " + maxSplicedFlows);
    }
}
