package dev.jslirp.e2e;

/** "Connections to 127.0.0.1:hostPort on the host go to the guest's guestPort." */
public record HostForward(Protocol protocol, int hostPort, int guestPort) {
    public enum Protocol {
        TCP, UDP;
        public String lower() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public HostForward {
        if (hostPort < 1 || hostPort > 65535 || guestPort < 1 || guestPort > 65535) {
            throw new IllegalArgumentException("bad ports " + hostPort + " -> " + guestPort);
        }
    }

    public static HostForward tcp(int hostPort, int guestPort) { return new HostForward(Protocol.TCP, hostPort, guestPort); }
    public static HostForward udp(int hostPort, int guestPort) { return new HostForward(Protocol.UDP, hostPort, guestPort); }

    /** bhyve/jslirp grammar: {@code tcp:127.0.0.1:HOSTPORT-:GUESTPORT}. */
    public String bhyveRule() {
        return protocol.lower() + ":127.0.0.1:" + hostPort + "-:" + guestPort;
    }
}
