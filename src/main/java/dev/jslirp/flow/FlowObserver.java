package dev.jslirp.flow;

/**
 * Told when a flow opens, is refused, or closes: the hook for the audit log and the flow
 * table API. Called on the event loop's thread, once per flow event (never per packet), so an
 * implementation may allocate. Ports are 0 for ICMP; {@code peer} is the address the guest
 * sees (the gateway for port forwards).
 */
public interface FlowObserver {
    /** Why a flow was refused: an egress rule, or the network's mode (restricted, loopback, ...). */
    String DENIED_BY_POLICY = "policy", DENIED_BY_MODE = "mode";

    void opened(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort, boolean inbound, long nowNs);

    /**
     * A TCP forward's connection spliced into the guest's namespace ({@code --splice-forwards}):
     * {@code peer} is the namespace socket's own address, the one the guest's server sees. Its
     * close is reported through {@link #closed}. By default an inbound {@link #opened}.
     */
    default void openedSpliced(int guestAddr, int guestPort, int peerAddr, int peerPort, long nowNs) {
        opened(dev.jslirp.wire.Ipv4Packet.PROTOCOL_TCP, guestAddr, guestPort, peerAddr, peerPort, true, nowNs);
    }

    void denied(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort, String reason, long nowNs);

    void closed(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort,
                long bytesFromGuest, long bytesToGuest, long nowNs);

    /** Observes nothing. */
    FlowObserver NONE = new FlowObserver() {
        @Override public void opened(int p, int ga, int gp, int pa, int pp, boolean in, long nowNs) { }
        @Override public void denied(int p, int ga, int gp, int pa, int pp, String reason, long nowNs) { }
        @Override public void closed(int p, int ga, int gp, int pa, int pp, long fromGuest, long toGuest, long nowNs) { }
    };
}
