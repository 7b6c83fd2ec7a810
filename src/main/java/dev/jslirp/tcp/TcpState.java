package dev.jslirp.tcp;

/**
 * Connection states of RFC 9293 §3.3.2, as seen from our end of the guest's connection.
 * {@link #toString()} spells them as the RFC does.
 */
public enum TcpState {
    /** Nothing: never opened, or finished (the flow can be freed once the host socket is closed too). */
    CLOSED("CLOSED"),
    /**
     * The guest's SYN has arrived and is held while the host socket connects; nothing has
     * been sent to the guest yet (passt and gvisor-tap-vsock answer only once the host
     * side is known). The RFC's LISTEN with one SYN queued.
     */
    LISTEN("LISTEN"),
    /** We opened towards the guest (host port forward) and wait for its SYN-ACK. */
    SYN_SENT("SYN-SENT"),
    /** The host connected; our SYN-ACK is out and we wait for the guest's ACK. */
    SYN_RECEIVED("SYN-RECEIVED"),
    /** Data flows both ways. */
    ESTABLISHED("ESTABLISHED"),
    /** The host reached EOF; our FIN is out, not yet acknowledged. The guest may still send. */
    FIN_WAIT_1("FIN-WAIT-1"),
    /** Our FIN is acknowledged; the guest may still send until its FIN. */
    FIN_WAIT_2("FIN-WAIT-2"),
    /** The guest sent FIN (host output is shut down once its data is written); the host may still send. */
    CLOSE_WAIT("CLOSE-WAIT"),
    /** Both FINs crossed; ours is not yet acknowledged. */
    CLOSING("CLOSING"),
    /** The guest's FIN came first; our FIN is out, waiting for its ACK. */
    LAST_ACK("LAST-ACK"),
    /** Both directions are done; we linger to re-ACK a retransmitted guest FIN. */
    TIME_WAIT("TIME-WAIT");

    private final String rfcName;

    TcpState(String rfcName) { this.rfcName = rfcName; }

    /** States after the three-way handshake in which sequence numbers of both sides are known. */
    public boolean isSynchronized() {
        return this != CLOSED && this != LISTEN && this != SYN_SENT;
    }

    @Override
    public String toString() { return rfcName; }
}
