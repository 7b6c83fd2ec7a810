package dev.jslirp.service.dhcp;

/**
 * Why the DHCP server answered or stayed silent, one counter per reason (the guest controls the
 * packet rate, so reasons are counted, never logged per packet). Owned by the event-loop thread.
 */
public final class DhcpCounters {
    long malformed;          // failed checkLength, not a BOOTREQUEST, not Ethernet, bad option 53/50/54
    long chaddrMismatch;     // chaddr is not the frame's source MAC
    long relayed;            // giaddr set: there are no relay agents on a virtual link
    long ignoredType;        // plain BOOTP or a server-to-client type sent by the guest
    long otherServer;        // REQUEST/DECLINE/RELEASE naming another server identifier
    long poolExhausted;      // DISCOVER with no free address: no OFFER
    long offers, acks, naks, informs, releases, declines;

    public long malformed() { return malformed; }
    public long chaddrMismatch() { return chaddrMismatch; }
    public long relayed() { return relayed; }
    public long ignoredType() { return ignoredType; }
    public long otherServer() { return otherServer; }
    public long poolExhausted() { return poolExhausted; }
    public long offers() { return offers; }
    public long acks() { return acks; }
    public long naks() { return naks; }
    public long informs() { return informs; }
    public long releases() { return releases; }
    public long declines() { return declines; }

    @Override
    public String toString() {
        return "dhcp offers=" + offers + " acks=" + acks + " naks=" + naks + " informs=" + informs
                + " releases=" + releases + " declines=" + declines + " poolExhausted=" + poolExhausted
                + " malformed=" + malformed + " chaddrMismatch=" + chaddrMismatch + " relayed=" + relayed
                + " ignoredType=" + ignoredType + " otherServer=" + otherServer;
    }
}
