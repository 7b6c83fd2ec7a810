package dev.jslirp.iface;

import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.UdpDatagram;

/** A service of the gateway that may consume a guest datagram before NAT sees it (DHCP, local DNS). */
@FunctionalInterface
public interface GuestUdpService {
    /** @return true if the datagram was handled (answered or dropped) and must not be relayed */
    boolean onGuestDatagram(Ipv4Packet packet, UdpDatagram datagram, long nowNs);
}
