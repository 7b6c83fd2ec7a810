package dev.jslirp.iface;

import dev.jslirp.wire.Ipv4Packet;

/**
 * Receives a checked IPv4 packet from the guest (header and checksum verified, source
 * address validated, reassembled if it was fragmented). The view is only valid during the
 * call.
 */
@FunctionalInterface
public interface GuestIpHandler {
    void onGuestPacket(Ipv4Packet packet, long nowNs);
}
