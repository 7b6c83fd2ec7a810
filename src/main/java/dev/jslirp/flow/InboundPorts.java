package dev.jslirp.flow;

/**
 * The port a host peer of a port forward appears to come from, as the guest sees it (from the
 * gateway address): the peer's own port when no other flow of the guest's socket uses it,
 * else one of 49152..65535 (RFC 6335's dynamic range), so two host peers with the same port
 * never look alike to the guest.
 */
public final class InboundPorts {
    private static final int FIRST = 49152, COUNT = 16384;
    private int cursor;

    /** @return a free port, or -1 when the guest's socket already has a flow on every one */
    public int choose(FlowKeyTable table, int protocol, int guestAddr, int guestPort, int gatewayAddr, int preferred) {
        if (preferred != 0 && table.get(protocol, guestAddr, guestPort, gatewayAddr, preferred) < 0) return preferred;
        for (int tries = 0; tries < COUNT; tries++) {
            cursor = (cursor + 1) % COUNT;
            int port = FIRST + cursor;
            if (table.get(protocol, guestAddr, guestPort, gatewayAddr, port) < 0) return port;
        }
        return -1;
    }
}
