package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * ARP for IPv4 over Ethernet (RFC 826).
 * <pre>
 * | htype 2 | ptype 2 | hlen 1 | plen 1 | oper 2 | sha 6 | spa 4 | tha 6 | tpa 4 |   28 bytes
 * </pre>
 */
public final class ArpPacket {
    public static final int HTYPE_OFFSET = 0, PTYPE_OFFSET = 2, HLEN_OFFSET = 4, PLEN_OFFSET = 5,
            OPER_OFFSET = 6, SHA_OFFSET = 8, SPA_OFFSET = 14, THA_OFFSET = 18, TPA_OFFSET = 24, LENGTH = 28;
    public static final int HTYPE_ETHERNET = 1, OPER_REQUEST = 1, OPER_REPLY = 2;

    private ByteBuffer buf;
    private int offset;
    private int available;

    public ArpPacket wrap(ByteBuffer buf, int offset, int available) {
        this.buf = buf;
        this.offset = offset;
        this.available = available;
        return this;
    }

    /** Length, and that this is Ethernet/IPv4 ARP (the only kind we can answer). */
    public boolean checkLength() {
        return available >= LENGTH
                && htype() == HTYPE_ETHERNET && ptype() == EthernetFrame.ETHERTYPE_IPV4
                && (buf.get(offset + HLEN_OFFSET) & 0xFF) == 6 && (buf.get(offset + PLEN_OFFSET) & 0xFF) == 4;
    }

    public int htype() { return Short.toUnsignedInt(buf.getShort(offset + HTYPE_OFFSET)); }
    public int ptype() { return Short.toUnsignedInt(buf.getShort(offset + PTYPE_OFFSET)); }
    public int oper() { return Short.toUnsignedInt(buf.getShort(offset + OPER_OFFSET)); }
    public long senderMac() { return MacAddress.read(buf, offset + SHA_OFFSET); }
    public int senderIp() { return buf.getInt(offset + SPA_OFFSET); }
    public long targetMac() { return MacAddress.read(buf, offset + THA_OFFSET); }
    public int targetIp() { return buf.getInt(offset + TPA_OFFSET); }

    /** Writes a whole 28-byte Ethernet/IPv4 ARP packet. */
    public static void emit(ByteBuffer buf, int offset, int oper, long senderMac, int senderIp, long targetMac, int targetIp) {
        buf.putShort(offset + HTYPE_OFFSET, (short) HTYPE_ETHERNET);
        buf.putShort(offset + PTYPE_OFFSET, (short) EthernetFrame.ETHERTYPE_IPV4);
        buf.put(offset + HLEN_OFFSET, (byte) 6);
        buf.put(offset + PLEN_OFFSET, (byte) 4);
        buf.putShort(offset + OPER_OFFSET, (short) oper);
        MacAddress.write(buf, offset + SHA_OFFSET, senderMac);
        buf.putInt(offset + SPA_OFFSET, senderIp);
        MacAddress.write(buf, offset + THA_OFFSET, targetMac);
        buf.putInt(offset + TPA_OFFSET, targetIp);
    }

    @Override
    public String toString() {
        if (buf == null || available < LENGTH) return "ARP[truncated]";
        return (oper() == OPER_REQUEST ? "ARP who-has " + Ipv4Address.toString(targetIp()) + " tell " + Ipv4Address.toString(senderIp())
                : "ARP reply " + Ipv4Address.toString(senderIp()) + " is-at " + MacAddress.toString(senderMac()));
    }
}
