package dev.jslirp.tcp;

/**
 * Who else may serve a connection accepted on a TCP forward's listener. {@link TcpNat} offers
 * every accepted connection here first (when one is set) and opens it towards the guest
 * through its own TCP engine only if the offer is declined. The spliced forwards
 * ({@code splice.SplicedForwards}) take connections from the host's loopback this way.
 */
public interface ForwardHandoff {
    /**
     * @param fd the accepted, non-blocking socket
     * @param hostPeerAddr the connecting client's address (network order value)
     * @param guestAddr the rule's guest address ({@code Config.guestAddrOf}), and its port
     * @return true if it took {@code fd} (it owns and closes it from now on, also when it
     *     resets the connection at once); false to leave it to the TCP engine
     */
    boolean take(int fd, int hostPeerAddr, int hostPeerPort, int guestAddr, int guestPort, long nowNs);
}
