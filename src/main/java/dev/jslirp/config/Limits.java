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
 * @param icmpIdleTimeoutMs an ICMP echo flow with no traffic this long is closed
 * @param tcpConnectTimeoutMs a host connect that has not completed by then fails
 */
public record Limits(int maxTcpFlows, int maxHalfOpenTcp, int maxUdpFlows, int maxIcmpFlows,
                     int tcpBufferBytes, long udpIdleTimeoutMs, long icmpIdleTimeoutMs, long tcpConnectTimeoutMs) {
    public static final Limits DEFAULT = new Limits(4096, 256, 1024, 64, 256 * 1024, 60_000, 10_000, 20_000);

    public Limits {
        if (maxTcpFlows < 1 || maxTcpFlows > 1 << 20) throw new IllegalArgumentException("maxTcpFlows out of range: " + maxTcpFlows);
        if (maxHalfOpenTcp < 1) throw new IllegalArgumentException("maxHalfOpenTcp must be positive");
        if (maxUdpFlows < 1 || maxUdpFlows > 1 << 20) throw new IllegalArgumentException("maxUdpFlows out of range: " + maxUdpFlows);
        if (maxIcmpFlows < 1) throw new IllegalArgumentException("maxIcmpFlows must be positive");
        if (tcpBufferBytes < 4096 || tcpBufferBytes > 64 << 20) throw new IllegalArgumentException("tcpBufferBytes out of range: " + tcpBufferBytes);
        if (udpIdleTimeoutMs < 1 || icmpIdleTimeoutMs < 1 || tcpConnectTimeoutMs < 1) throw new IllegalArgumentException("timeouts must be positive");
    }
}
