package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.link.TapLink;
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
     * @param offloads open the tap with a virtio-net header and let the guest's kernel use
     *     checksum offload and TSO towards us (and take TSO segments from us)
     * @return the link over the open, non-blocking tap
     */
    static TapLink create(String name, Config config, int configureAddr, boolean offloads) {
        Tap tap = Tap.open(name, offloads);
        try (NetConfig net = new NetConfig()) {
            if (offloads) {
                // Which offloads we, the reader, can take: the tap then advertises checksum
                // offload and TSO to the guest's stack, which stops cutting segments at the MTU.
                tap.setOffload(Tap.TUN_F_CSUM | Tap.TUN_F_TSO4);
            }
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
        return new TapLink(tap.fd(), maxFrameLength(config), offloads);
    }

    /** Largest frame on a tap for this MTU: IP MTU plus the Ethernet header. */
    static int maxFrameLength(Config config) { return config.mtu() + 14; }
}
