package dev.jslirp.iface;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named counters for what the interface saw and dropped (gVisor counts every drop reason;
 * so do we). Plain long fields: one thread writes them; a snapshot for logs and the API
 * reads them.
 */
public final class Counters {
    public long framesFromGuest, framesToGuest, framesToGuestDropped;
    public long dropShortFrame, dropUnknownEtherType, dropNotForUs;
    public long dropArpMalformed, arpRequestsAnswered, arpIgnored, arpRequestsSent;
    public long dropIpMalformed, dropIpChecksum, dropIpSourceInvalid, dropIpTtl, dropIpDestination;
    public long fragmentsReceived, fragmentsDropped, datagramsReassembled, fragmentsSentToGuest;
    public long dropIcmpMalformed, icmpEchoAnswered, dropIcmpUnsupported;
    public long dropUdpMalformed, dropUdpChecksum, dropUdpDenied;
    public long dropTcpMalformed, dropTcpChecksum, dropTcpDenied, dropTcpNoFlow;
    public long dropUnknownProtocol;
    public long dhcpRequests, dnsLocalAnswers;

    /** Snapshot, in declaration order, of every counter that is not zero. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var field : Counters.class.getFields()) {
            if (field.getType() == long.class) {
                try {
                    long v = field.getLong(this);
                    if (v != 0) out.put(field.getName(), v);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    /** Sum of every counter whose name starts with "drop". */
    public long totalDrops() {
        long total = 0;
        for (var e : snapshot().entrySet()) {
            if (e.getKey().startsWith("drop")) total += e.getValue();
        }
        return total;
    }

    @Override
    public String toString() { return snapshot().toString(); }
}
