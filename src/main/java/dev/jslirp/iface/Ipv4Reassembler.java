package dev.jslirp.iface;

import dev.jslirp.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/** Placeholder: drops every fragment until the wire branch lands the real reassembler. */
public final class Ipv4Reassembler {
    public int offer(Ipv4Packet fragment, long nowNs, ByteBuffer out, int outOffset) { return -1; }
    public void expire(long nowNs) {}
    public long nextDeadlineNs() { return Long.MAX_VALUE; }
}
