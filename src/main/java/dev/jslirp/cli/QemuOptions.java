package dev.jslirp.cli;

import picocli.CommandLine.Option;

/** The QEMU transports: where the VM's {@code -netdev stream} or {@code -netdev dgram} meets us. */
public final class QemuOptions {
    @Option(names = "--socket", paramLabel = "PATH|tcp:ADDR:PORT",
            description = "Listen for QEMU's -netdev stream (4-byte length + frame) on a unix socket PATH or a loopback tcp:ADDR:PORT.")
    String socket;

    @Option(names = "--socket-connect", paramLabel = "PATH|tcp:ADDR:PORT",
            description = "Connect to a QEMU whose -netdev stream listens (server=on); exit when it disconnects.")
    String socketConnect;

    @Option(names = "--dgram", paramLabel = "PATH",
            description = "Serve QEMU's -netdev dgram (or vfkit/gvproxy unixgram) on the unix datagram socket PATH.")
    String dgram;

    @Option(names = "--one-off", description = "With --socket: exit when the VM disconnects instead of waiting for the next one.")
    boolean oneOff;

    boolean selected() { return socket != null || socketConnect != null || dgram != null; }
}
