package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.os.NetConfig;
import dev.jslirp.os.Tap;

/**
 * Creates the guest's tap device inside a network namespace and, optionally, configures it
 * as a DHCP client would (address, default route via the gateway, loopback up). Must run on
 * a thread that is already inside the namespace; the tap descriptor stays usable from any
 * thread afterwards.
 */
final class GuestTap {
    private GuestTap() {}

    /**
     * @param configureAddr the guest address to assign, or 0 to leave the tap unconfigured (up only)
     * @return the open, non-blocking tap descriptor
     */
    static int create(String name, Config config, int configureAddr) {
        Tap tap = Tap.open(name, false);
        try (NetConfig net = new NetConfig()) {
            net.setMtu(tap.name(), config.mtu());
            net.setLoopbackUp();
            net.setUp(tap.name());
            if (configureAddr != 0) {
                net.setAddress(tap.name(), configureAddr, config.network().prefixLength());
                net.addDefaultRoute(config.gateway(), tap.name());
            }
        } catch (RuntimeException e) {
            dev.jslirp.os.Sys.close(tap.fd());
            throw e;
        }
        return tap.fd();
    }

    /** Largest frame on a tap for this MTU: IP MTU plus the Ethernet header. */
    static int maxFrameLength(Config config) { return config.mtu() + 14; }
}
