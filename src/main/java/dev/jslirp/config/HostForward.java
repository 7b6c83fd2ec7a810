package dev.jslirp.config;

/** Placeholder until the bhyve branch lands its parser. */
public record HostForward(Protocol protocol, int hostAddr, int hostPort, int guestAddr, int guestPort) {
    public enum Protocol { TCP, UDP }
}
