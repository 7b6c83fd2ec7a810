package dev.jslirp.e2e;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What a test asks of the backend. Backends map this to their own command line; options a
 * backend cannot honour are refused at start (tests check the capability first and skip).
 *
 * @param configure           bring tap0 up as 10.0.2.100/24, default route via 10.0.2.2
 * @param mtu                 tap MTU, 0 = the backend's default
 * @param disableHostLoopback the gateway address must not reach the host's 127.0.0.1
 * @param dnsUpstream         where 10.0.2.3:53 forwards to, null = backend default
 * @param egress              open/restricted outbound policy
 * @param hostForwards        port forwards from host 127.0.0.1 into the guest
 */
public record BackendOptions(boolean configure, int mtu, boolean disableHostLoopback,
                             InetSocketAddress dnsUpstream, Egress egress, List<HostForward> hostForwards) {

    /** Outbound policy. DEFAULT passes no flag at all and lets the backend choose. */
    public enum Egress { DEFAULT, OPEN, RESTRICTED }

    public BackendOptions {
        if (mtu != 0 && (mtu < 68 || mtu > 65521)) throw new IllegalArgumentException("bad mtu " + mtu);
        if (egress == null) throw new IllegalArgumentException("egress");
        hostForwards = List.copyOf(hostForwards);
    }

    /** The usual case: --configure, everything else default. */
    public static BackendOptions configured() {
        return new BackendOptions(true, 0, false, null, Egress.DEFAULT, List.of());
    }

    /** No --configure: tap0 is left down and unaddressed, for DHCP tests. */
    public static BackendOptions unconfigured() {
        return new BackendOptions(false, 0, false, null, Egress.DEFAULT, List.of());
    }

    public BackendOptions withMtu(int m) {
        return new BackendOptions(configure, m, disableHostLoopback, dnsUpstream, egress, hostForwards);
    }

    public BackendOptions withDisableHostLoopback() {
        return new BackendOptions(configure, mtu, true, dnsUpstream, egress, hostForwards);
    }

    public BackendOptions withDnsUpstream(InetSocketAddress upstream) {
        return new BackendOptions(configure, mtu, disableHostLoopback, upstream, egress, hostForwards);
    }

    public BackendOptions withEgress(Egress e) {
        return new BackendOptions(configure, mtu, disableHostLoopback, dnsUpstream, e, hostForwards);
    }

    public BackendOptions withHostForward(HostForward forward) {
        List<HostForward> all = new ArrayList<>(hostForwards);
        all.add(forward);
        return new BackendOptions(configure, mtu, disableHostLoopback, dnsUpstream, egress, all);
    }
}
