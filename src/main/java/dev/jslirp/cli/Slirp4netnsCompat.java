package dev.jslirp.cli;

import dev.jslirp.host.Kinds;
import dev.jslirp.os.Epoll;
import dev.jslirp.os.Privileges;
import dev.jslirp.os.Sys;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.MacAddress;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * slirp4netns's process contract, for programs (podman, rootlesskit, buildah) that run jslirp
 * in its place: the exit descriptor ({@code -e}: stop when it becomes readable or hangs up),
 * the ready descriptor ({@code -r}: write "1" and close once the tap, forwards and API socket
 * are up), and the options jslirp maps or only accepts.
 */
final class Slirp4netnsCompat {
    private static final Logger LOG = System.getLogger("jslirp");

    private final Slirp4netnsOptions o;
    private final long tapMac;
    private final int outboundAddr;

    private Slirp4netnsCompat(Slirp4netnsOptions o, long tapMac, int outboundAddr) {
        this.o = o;
        this.tapMac = tapMac;
        this.outboundAddr = outboundAddr;
    }

    /** Validates the options as slirp4netns does. @throws IllegalArgumentException for a usage error */
    static Slirp4netnsCompat check(Slirp4netnsOptions o, boolean configure) {
        if (!"netns".equals(o.targetType)) {
            throw new IllegalArgumentException("--target-type " + o.targetType + " is not supported (only netns)");
        }
        if (o.usernsPath != null) {
            if (Privileges.geteuid() != 0) {
                throw new IllegalArgumentException("--userns-path: joining a user namespace (rootless) is not supported: "
                        + "setns(CLONE_NEWUSER) is refused to a multithreaded process such as the JVM; run jslirp as root");
            }
            LOG.log(Level.INFO, "--userns-path " + o.usernsPath + " ignored: running as root, no user namespace needed");
        }
        if (o.enableIpv6) LOG.log(Level.WARNING, "--enable-ipv6: jslirp is IPv4 only for now; the guest gets IPv4 only");
        if (o.outboundAddr6 != null) LOG.log(Level.WARNING, "--outbound-addr6 ignored: jslirp is IPv4 only for now");
        long mac = 0;
        if (o.macAddress != null) {
            if (!configure) throw new IllegalArgumentException("--macaddress is only valid with -c/--configure");
            try {
                mac = MacAddress.parse(o.macAddress);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--macaddress: " + e.getMessage(), e);
            }
        }
        int outbound = 0;
        if (o.outboundAddr != null) {
            try {
                outbound = Ipv4Address.parse(o.outboundAddr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--outbound-addr must be an IPv4 address (interface names are not supported): "
                        + o.outboundAddr, e);
            }
        }
        return new Slirp4netnsCompat(o, mac, outbound);
    }

    /** The tap's MAC (--macaddress), or 0 to keep the kernel's. */
    long tapMac() { return tapMac; }

    /** Applies what shapes the stack (outbound address). */
    void configure(Stack stack) {
        if (outboundAddr != 0) {
            stack.tcp().outboundAddr(outboundAddr);
            stack.udp().outboundAddr(outboundAddr);
        }
    }

    /** Exit descriptor, confinement and the ready notification, on the loop thread just before it runs. */
    void beforeRun(Stack stack) {
        if (o.exitFd != null) {
            int fd = o.exitFd;
            stack.loop().handler(Kinds.EXIT_FD, (index, events, nowNs) -> {
                LOG.log(Level.INFO, "exit descriptor " + fd + " signalled: stopping");
                stack.loop().unregister(fd);
                stack.loop().stop();
            });
            int r = stack.loop().register(fd, Epoll.EPOLLIN | Epoll.EPOLLRDHUP, Kinds.EXIT_FD, 0);
            if (r < 0) throw new StartupException("--exit-fd " + fd + ": " + dev.jslirp.os.Errno.strerror(-r), Main.EXIT_USAGE, null);
        }
        stack.beforeRun(() -> {
            Confinement.apply(o.enableSandbox, o.enableSeccomp);
            if (o.readyFd != null) {
                ByteBuffer one = ByteBuffer.allocateDirect(1).put(0, (byte) '1');
                int r = Sys.write(o.readyFd, one, 0, 1);
                if (r != 1) LOG.log(Level.WARNING, "--ready-fd " + o.readyFd + ": write failed (" + r + ")");
                Sys.close(o.readyFd);
            }
        });
    }
}
