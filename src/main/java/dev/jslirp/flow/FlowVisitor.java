package dev.jslirp.flow;

/**
 * Receives one live flow at a time from a NAT engine's {@code forEachFlow} (the flow table
 * API). Control path: called on the loop thread when an operator asks, may allocate.
 */
@FunctionalInterface
public interface FlowVisitor {
    /**
     * @param protocol IP protocol number (6 TCP, 17 UDP, 1 ICMP)
     * @param peerAddr the address the guest talks to (the gateway for port forwards)
     * @param hostAddr the host end: the remote socket address (0 when unknown)
     * @param state the TCP state name, or "active" for UDP and ICMP
     * @param openedNs when the flow opened, on the loop's clock
     */
    void flow(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort, int hostAddr, int hostPort,
              boolean inbound, String state, long bytesFromGuest, long bytesToGuest, long openedNs);
}
