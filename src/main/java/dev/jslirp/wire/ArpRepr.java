package dev.jslirp.wire;

import java.nio.ByteBuffer;

/** An Ethernet/IPv4 ARP packet as a value (RFC 826). {@code oper} keeps unknown operations too. */
public record ArpRepr(int oper, long senderMac, int senderIp, long targetMac, int targetIp) {

    public ArpRepr {
        if ((oper & ~0xFFFF) != 0 || (senderMac & ~MacAddress.BROADCAST) != 0 || (targetMac & ~MacAddress.BROADCAST) != 0) {
            throw new IllegalArgumentException("field out of range");
        }
    }

    /** Null unless this is a whole Ethernet/IPv4 ARP packet (see {@link ArpPacket#checkLength}). */
    public static ArpRepr parse(ArpPacket packet) {
        if (!packet.checkLength()) return null;
        return new ArpRepr(packet.oper(), packet.senderMac(), packet.senderIp(), packet.targetMac(), packet.targetIp());
    }

    /** Writes the 28-byte packet at {@code offset}; returns 28. */
    public int emit(ByteBuffer buf, int offset) {
        ArpPacket.emit(buf, offset, oper, senderMac, senderIp, targetMac, targetIp);
        return ArpPacket.LENGTH;
    }

    @Override
    public String toString() {
        return switch (oper) {
            case ArpPacket.OPER_REQUEST -> "ARP who-has " + Ipv4Address.toString(targetIp) + " tell "
                    + Ipv4Address.toString(senderIp) + " (" + MacAddress.toString(senderMac) + ")";
            case ArpPacket.OPER_REPLY -> "ARP reply " + Ipv4Address.toString(senderIp) + " is-at "
                    + MacAddress.toString(senderMac) + " to " + Ipv4Address.toString(targetIp);
            default -> "ARP oper " + oper + " " + Ipv4Address.toString(senderIp) + " > " + Ipv4Address.toString(targetIp);
        };
    }
}
