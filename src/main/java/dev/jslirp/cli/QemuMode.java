package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.link.Link;
import dev.jslirp.link.QemuDgramLink;
import dev.jslirp.link.QemuStreamLink;
import dev.jslirp.link.StreamEndpoint;
import dev.jslirp.os.NativeException;

/**
 * QEMU's own netdevs, the way passt and gvproxy serve them:
 * <ul>
 *   <li>{@code --socket PATH|tcp:127.0.0.1:PORT}: we listen, QEMU connects with
 *       {@code -netdev stream,server=off,...}; when the VM goes, the next one is served with
 *       fresh flows ({@code --one-off}: exit instead);</li>
 *   <li>{@code --socket-connect PATH|tcp:...}: QEMU listens ({@code server=on}), we connect and
 *       exit when it disconnects;</li>
 *   <li>{@code --dgram PATH}: unix datagrams, {@code -netdev dgram,...,remote.path=PATH}.</li>
 * </ul>
 * Restricted by default, as jslirp's other VM modes; {@code --open} lets the guest out, and
 * {@code --allow} rules, the API socket, pcap, audit log and metrics are wired as in the
 * namespace modes ({@link Operators}). The MTU
 * may go up to 65520 on these transports (frames up to MTU + 14); DHCP option 26 tells the guest.
 * The QEMU options to use are printed on standard error at start.
 */
final class QemuMode {
    private static final int ETHERNET_HEADER_LENGTH = 14;

    private final NetworkOptions network;
    private final QemuOptions qemu;
    private final OperatorOptions operatorOptions;
    private final boolean dnsForwarding;

    /** @param dnsForwarding false with --disable-dns: the DNS address relays nothing upstream */
    QemuMode(NetworkOptions network, QemuOptions qemu, OperatorOptions operatorOptions, boolean dnsForwarding) {
        this.network = network;
        this.qemu = qemu;
        this.operatorOptions = operatorOptions;
        this.dnsForwarding = dnsForwarding;
    }

    int run() {
        int chosen = (qemu.socket != null ? 1 : 0) + (qemu.socketConnect != null ? 1 : 0) + (qemu.dgram != null ? 1 : 0);
        if (chosen != 1) throw new IllegalArgumentException("--socket, --socket-connect and --dgram exclude each other");
        if (qemu.oneOff && qemu.socket == null) throw new IllegalArgumentException("--one-off goes with --socket");
        if (network.spliceForwards) {
            throw new IllegalArgumentException("--splice-forwards is for the namespace modes (run, PID|PATH TAPNAME): "
                    + "a VM has no network namespace to splice into");
        }
        Config config = network.toConfig(false, null);
        // Parsed before the link is opened: a bad rule is a usage error, not a half-started VM link.
        Operators operators = new Operators(operatorOptions, network.allowRules());
        int maxFrameLength = config.mtu() + ETHERNET_HEADER_LENGTH;
        Link link;
        String description;
        String netdev;
        try {
            if (qemu.socket != null) {
                StreamEndpoint endpoint = parse("--socket", qemu.socket);
                QemuStreamLink stream = QemuStreamLink.listen(endpoint, maxFrameLength, qemu.oneOff);
                StreamEndpoint bound = endpoint.bound(stream.listenFd());
                link = stream;
                description = "QEMU stream, listening on " + bound + (qemu.oneOff ? " (one-off)" : "");
                netdev = "-netdev stream,id=n0,server=off," + bound.qemuAddress();
            } else if (qemu.socketConnect != null) {
                StreamEndpoint endpoint = parse("--socket-connect", qemu.socketConnect);
                link = QemuStreamLink.connect(endpoint, maxFrameLength);
                description = "QEMU stream, connected to " + endpoint;
                netdev = "-netdev stream,id=n0,server=on," + endpoint.qemuAddress();
            } else {
                link = QemuDgramLink.bind(qemu.dgram, maxFrameLength);
                description = "QEMU dgram on " + qemu.dgram;
                netdev = "-netdev dgram,id=n0,local.type=unix,local.path=" + qemu.dgram + ".qemu,remote.type=unix,remote.path=" + qemu.dgram;
            }
        } catch (NativeException e) {
            throw new StartupException("cannot open the guest link: " + e.getMessage(), Main.EXIT_FAILURE, e);
        }
        System.err.println("jslirp: QEMU options: " + netdev + " -device virtio-net-pci,netdev=n0"
                + (config.mtu() > 1500 ? ",host_mtu=" + config.mtu() : ""));
        Stack stack = operators.stack(config, link, dnsForwarding, s -> { });
        if (qemu.oneOff || qemu.socketConnect != null) stack.linkEndExpected();
        int status = Serve.run(stack, description);
        // The VM leaving is how a one-off or connecting link ends: not a failure.
        return stack.linkClosed() ? 0 : status;
    }

    private static StreamEndpoint parse(String option, String spec) {
        try {
            return StreamEndpoint.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }
}
