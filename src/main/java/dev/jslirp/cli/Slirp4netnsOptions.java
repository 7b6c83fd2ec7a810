package dev.jslirp.cli;

import picocli.CommandLine.Option;

/**
 * slirp4netns's options that jslirp's own modes do not need, with slirp4netns's meaning
 * (-c, --netns-type, -m, --cidr, --disable-host-loopback and -a are declared elsewhere).
 * Every one is listed by {@code --help}: podman runs {@code --help} first and passes only the
 * flags it finds there.
 */
public final class Slirp4netnsOptions {
    @Option(names = {"-e", "--exit-fd"}, paramLabel = "FD", description = "Exit when FD becomes readable or hangs up.")
    Integer exitFd;

    @Option(names = {"-r", "--ready-fd"}, paramLabel = "FD", description = "Write \"1\" to FD and close it once the network is ready.")
    Integer readyFd;

    @Option(names = "--userns-path", paramLabel = "PATH",
            description = "User namespace of the target (accepted; jslirp joins no user namespace: it must run as root).")
    String usernsPath;

    @Option(names = "--outbound-addr", paramLabel = "IPv4", description = "Bind outbound TCP and UDP sockets to this address.")
    String outboundAddr;

    @Option(names = "--outbound-addr6", paramLabel = "IPv6", description = "Accepted; IPv6 is not supported (ignored with a warning).")
    String outboundAddr6;

    @Option(names = "--disable-dns", description = "The DNS address forwards nothing to the upstream resolver (jslirp's own names still answer).")
    boolean disableDns;

    @Option(names = "--macaddress", paramLabel = "MAC", description = "MAC address of the tap (with -c/--configure).")
    String macAddress;

    @Option(names = "--enable-sandbox",
            description = "Confine jslirp once set up: no_new_privs (logged; no mount namespace or Landlock file policy in a JVM yet).")
    boolean enableSandbox;

    @Option(names = "--enable-seccomp", description = "Accepted; applies no_new_privs (no syscall filter yet; logged).")
    boolean enableSeccomp;

    @Option(names = {"-6", "--enable-ipv6"}, description = "Accepted with a warning: jslirp is IPv4 only for now.")
    boolean enableIpv6;

    @Option(names = "--target-type", paramLabel = "TYPE", description = "netns (the only type jslirp supports).")
    String targetType = "netns";

    /**
     * The first option given that only the slirp4netns form acts on (all but --disable-dns),
     * or null: the QEMU modes refuse them rather than accept and ignore them.
     */
    String firstFormOnlyOption() {
        if (exitFd != null) return "--exit-fd";
        if (readyFd != null) return "--ready-fd";
        if (usernsPath != null) return "--userns-path";
        if (outboundAddr != null) return "--outbound-addr";
        if (outboundAddr6 != null) return "--outbound-addr6";
        if (macAddress != null) return "--macaddress";
        if (enableSandbox) return "--enable-sandbox";
        if (enableSeccomp) return "--enable-seccomp";
        if (enableIpv6) return "--enable-ipv6";
        if (!"netns".equals(targetType)) return "--target-type";
        return null;
    }
}
