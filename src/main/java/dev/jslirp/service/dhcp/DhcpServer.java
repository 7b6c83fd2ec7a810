package dev.jslirp.service.dhcp;

import dev.jslirp.wire.DhcpMessage;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.MacAddress;
import java.nio.ByteBuffer;

import static dev.jslirp.wire.DhcpMessage.*;

/**
 * The gateway's DHCP server (RFC 2131), pure logic: bytes in, bytes out, time as a parameter.
 *
 * <h2>Theory of operation</h2>
 * The interface layer hands {@link #handle} the UDP payload of every datagram from the guest to
 * port 67 of the gateway or of 255.255.255.255, with the frame's source MAC. If it returns a
 * length &gt; 0, the reply is in the reply buffer and goes out as UDP from gateway:67 to port 68 of
 * {@link #replyDestination} at Ethernet address {@link #replyDestinationMac}.
 *
 * <p>We are the only server on a virtual link, so we are <em>authoritative</em> (as dnsmasq's
 * {@code --dhcp-authoritative}): a REQUEST for an address we would not give this client is
 * answered with a NAK at once instead of the silence RFC 2131 §4.3.2 asks of a server that
 * "has no record of this client", so a guest moved between networks reconfigures immediately.
 *
 * <p>Clients are identified by chaddr (which must be the frame's source MAC), not by the
 * client identifier option 61: on a virtual link both name the one NIC. Each client gets one
 * address, the same one every time while it is not given away: the pool (see
 * {@link LeasePool}) remembers released and expired addresses per MAC and reuses the address
 * free for longest only when no never-used one is left.
 *
 * <p>Messages (RFC 2131 §4.3):
 * <ul>
 *   <li>DISCOVER → OFFER of the client's current or previous address, else the requested
 *       address (option 50) if free, else a new one; pool exhausted → silence, counted.
 *   <li>REQUEST, by the state the client is in (§4.3.2): SELECTING (server identifier set: ours
 *       → ACK or NAK, another server's → the client declined our offer, silence); INIT-REBOOT
 *       (requested address, ciaddr 0) and RENEWING/REBINDING (ciaddr set) → ACK if the address
 *       is or may become this client's lease, else NAK.
 *   <li>DECLINE → the address is quarantined for {@link #DECLINE_HOLD_NS}; the next DISCOVER gets
 *       another one. RELEASE → the lease is freed (but remembered). INFORM → ACK with the
 *       configuration options but no yiaddr and no lease times (§4.3.5).
 * </ul>
 * Every reply carries the same options (53, 54, 51/58/59 except for INFORM and NAK, 1, 3, 6, 15,
 * 119 and 26 when configured) whether or not the parameter request list (55) asks: RFC 2132 lets
 * a server send options the client did not request, clients ignore options they don't use, and
 * sending MTU and search list always helps clients, such as udhcpc, that don't ask for them.
 * {@link DhcpConfig} guarantees that all of them fit in a 576-byte datagram (RFC 2131 §2).
 */
public final class DhcpServer {
    /** How long an OFFERed address is held for the client before another client may get it. */
    public static final long OFFER_HOLD_NS = 60_000_000_000L;
    /** How long a DECLINEd address stays out of the pool (dnsmasq uses the same ten minutes). */
    public static final long DECLINE_HOLD_NS = 600_000_000_000L;
    /** The reply buffer must have room for this many bytes from the reply offset. */
    public static final int MAX_REPLY_LENGTH = DhcpMessage.DEFAULT_MAX_MESSAGE_LENGTH;

    private final DhcpConfig config;
    private final LeasePool pool;
    private final DhcpCounters counters = new DhcpCounters();
    private final DhcpMessage requestView = new DhcpMessage();
    private final DhcpMessage replyView = new DhcpMessage();
    private final long leaseNs;
    private final int renewalSeconds;
    private final int rebindingSeconds;
    private final byte[] domainNameOption;    // option 15 value, or null
    private final byte[] domainSearchOption;  // option 119 value, or null

    public DhcpServer(DhcpConfig config) {
        this.config = config;
        this.pool = new LeasePool(config.dhcpStart(), config.poolSize());
        this.leaseNs = config.leaseSeconds() * 1_000_000_000L;
        // RFC 2131 §4.4.5: T1 defaults to 0.5 and T2 to 0.875 of the lease time.
        this.renewalSeconds = config.leaseSeconds() / 2;
        this.rebindingSeconds = (int) (config.leaseSeconds() * 7L / 8);
        this.domainNameOption = config.domainName().map(DomainSearchOption::asciiName).orElse(null);
        this.domainSearchOption = config.searchDomains().isEmpty() ? null : DomainSearchOption.encode(config.searchDomains());
    }

    public DhcpConfig config() { return config; }

    public DhcpCounters counters() { return counters; }

    /**
     * Handles one client message.
     *
     * @param request     buffer holding the UDP payload (untrusted; only read, absolute gets)
     * @param offset      where the payload starts
     * @param length      the UDP payload length
     * @param srcMac      the Ethernet source of the frame; must equal the message's chaddr
     * @param reply       buffer the reply is written to, with at least {@link #MAX_REPLY_LENGTH}
     *                    bytes from {@code replyOffset}; may not overlap the request
     * @param replyOffset where the reply starts
     * @param nowNs       the event loop's clock
     * @return the reply length (≥ 300), or 0 for no reply
     */
    public int handle(ByteBuffer request, int offset, int length, long srcMac, ByteBuffer reply, int replyOffset, long nowNs) {
        if (reply.capacity() - replyOffset < MAX_REPLY_LENGTH) {
            throw new IllegalArgumentException("DHCP reply buffer needs " + MAX_REPLY_LENGTH + " bytes");
        }
        DhcpMessage msg = requestView.wrap(request, offset, length);
        if (!msg.checkLength() || msg.op() != OP_BOOTREQUEST || msg.htype() != HTYPE_ETHERNET || msg.hlen() != HLEN_ETHERNET) {
            counters.malformed++;
            return 0;
        }
        if (msg.giaddr() != 0) {
            counters.relayed++;
            return 0;
        }
        long mac = msg.chaddrMac();
        if (mac != srcMac || MacAddress.isMulticast(mac)) {
            counters.chaddrMismatch++;
            return 0;
        }
        return switch (msg.messageType()) {
            case DHCPDISCOVER -> onDiscover(msg, mac, reply, replyOffset, nowNs);
            case DHCPREQUEST -> onRequest(msg, mac, reply, replyOffset, nowNs);
            case DHCPDECLINE -> onDecline(msg, mac, nowNs);
            case DHCPRELEASE -> onRelease(msg, mac, nowNs);
            case DHCPINFORM -> onInform(msg, reply, replyOffset);
            default -> {
                counters.ignoredType++;
                yield 0;
            }
        };
    }

    /**
     * Where a reply from {@link #handle} goes, RFC 2131 §4.1 ("giaddr" is always 0 here: we drop
     * relayed messages): a NAK is broadcast; otherwise a message with ciaddr set (RENEWING,
     * REBINDING, INFORM) is unicast to ciaddr; otherwise with the BROADCAST flag set it is
     * broadcast; otherwise it is unicast to yiaddr at chaddr, which the interface layer must do
     * without ARP since the client has no address yet. Read from the reply's own fields (ciaddr
     * and flags are copied from the request), so this is a pure function of the reply bytes.
     *
     * @return the IPv4 destination, {@link Ipv4Address#BROADCAST} for a broadcast
     */
    public int replyDestination(ByteBuffer reply, int replyOffset, int replyLength) {
        DhcpMessage r = replyView.wrap(reply, replyOffset, replyLength);
        if (!r.checkLength()) throw new IllegalArgumentException("not a DHCP reply");
        if (r.messageType() == DHCPNAK) return Ipv4Address.BROADCAST;
        if (r.ciaddr() != 0) return r.ciaddr();
        if (r.broadcastFlag()) return Ipv4Address.BROADCAST;
        if (r.yiaddr() != 0) return r.yiaddr();
        return Ipv4Address.BROADCAST; // INFORM with ciaddr 0: nowhere else to send it
    }

    /** The Ethernet destination for {@link #replyDestination}: broadcast, or the client's chaddr. */
    public long replyDestinationMac(ByteBuffer reply, int replyOffset, int replyLength) {
        if (replyDestination(reply, replyOffset, replyLength) == Ipv4Address.BROADCAST) return MacAddress.BROADCAST;
        return replyView.chaddrMac();
    }

    // RFC 2131 §4.3.1
    private int onDiscover(DhcpMessage msg, long mac, ByteBuffer reply, int replyOffset, long nowNs) {
        int index = pool.findByMac(mac);
        if (index >= 0 && !pool.availableFor(index, mac, nowNs)) index = -1;
        if (index < 0) {
            int requested = pool.indexOf(msg.addressOption(OPTION_REQUESTED_IP));
            if (requested >= 0 && pool.availableFor(requested, mac, nowNs)) index = requested;
        }
        if (index < 0) index = pool.allocate(nowNs);
        if (index < 0) {
            counters.poolExhausted++;
            return 0;
        }
        if (!pool.isBoundTo(index, mac, nowNs)) pool.offer(index, mac, nowNs + OFFER_HOLD_NS);
        counters.offers++;
        return emitReply(msg, DHCPOFFER, 0, pool.address(index), true, reply, replyOffset);
    }

    // RFC 2131 §4.3.2
    private int onRequest(DhcpMessage msg, long mac, ByteBuffer reply, int replyOffset, long nowNs) {
        int serverId = msg.addressOption(OPTION_SERVER_ID);
        int requested = msg.addressOption(OPTION_REQUESTED_IP);
        int ciaddr = msg.ciaddr();
        int address;
        if (serverId != 0) {
            // SELECTING: the client answers one of the OFFERs it got.
            if (serverId != config.gateway()) {
                int index = pool.findByMac(mac);
                if (index >= 0 && pool.stateAt(index, nowNs) == LeasePool.OFFERED) pool.free(index, nowNs);
                counters.otherServer++;
                return 0;
            }
            if (requested == 0) {
                counters.malformed++; // "MUST" carry the requested address (§4.3.2, Table 5)
                return 0;
            }
            address = requested;
        } else if (ciaddr != 0) {
            address = ciaddr;         // RENEWING (unicast) or REBINDING (broadcast): same answer
        } else if (requested != 0) {
            address = requested;      // INIT-REBOOT
        } else {
            counters.malformed++;
            return 0;
        }
        int index = pool.indexOf(address);
        if (index < 0 || !pool.availableFor(index, mac, nowNs)) {
            counters.naks++;
            return emitNak(msg, reply, replyOffset);
        }
        pool.bind(index, mac, nowNs + leaseNs);
        counters.acks++;
        return emitReply(msg, DHCPACK, ciaddr, address, true, reply, replyOffset);
    }

    // RFC 2131 §4.3.3
    private int onDecline(DhcpMessage msg, long mac, long nowNs) {
        int serverId = msg.addressOption(OPTION_SERVER_ID);
        if (serverId != 0 && serverId != config.gateway()) {
            counters.otherServer++;
            return 0;
        }
        int index = pool.indexOf(msg.addressOption(OPTION_REQUESTED_IP));
        if (index >= 0 && pool.owner(index) == mac) {
            pool.decline(index, nowNs + DECLINE_HOLD_NS);
            counters.declines++;
        }
        return 0;
    }

    // RFC 2131 §4.3.4
    private int onRelease(DhcpMessage msg, long mac, long nowNs) {
        int serverId = msg.addressOption(OPTION_SERVER_ID);
        if (serverId != 0 && serverId != config.gateway()) {
            counters.otherServer++;
            return 0;
        }
        int index = pool.indexOf(msg.ciaddr());
        if (index >= 0 && pool.owner(index) == mac && pool.stateAt(index, nowNs) != LeasePool.DECLINED) {
            pool.free(index, nowNs);
            counters.releases++;
        }
        return 0;
    }

    // RFC 2131 §4.3.5: configuration only, "MUST NOT" send a lease time, yiaddr stays 0.
    private int onInform(DhcpMessage msg, ByteBuffer reply, int replyOffset) {
        counters.informs++;
        return emitReply(msg, DHCPACK, msg.ciaddr(), 0, false, reply, replyOffset);
    }

    /** OFFER and ACK, fields per RFC 2131 §4.3.1 Table 3. */
    private int emitReply(DhcpMessage msg, int type, int ciaddr, int yiaddr, boolean withLease, ByteBuffer reply, int off) {
        // siaddr is the next bootstrap (TFTP) server: we have none, so 0.
        int p = DhcpMessage.emitHeader(reply, off, OP_BOOTREPLY, msg.xid(), msg.flags(), ciaddr, yiaddr, 0, 0, msg.chaddrMac());
        p = DhcpMessage.emitByteOption(reply, p, OPTION_MESSAGE_TYPE, type);
        p = DhcpMessage.emitIntOption(reply, p, OPTION_SERVER_ID, config.gateway());
        if (withLease) {
            p = DhcpMessage.emitIntOption(reply, p, OPTION_LEASE_TIME, config.leaseSeconds());
            p = DhcpMessage.emitIntOption(reply, p, OPTION_RENEWAL_TIME, renewalSeconds);
            p = DhcpMessage.emitIntOption(reply, p, OPTION_REBINDING_TIME, rebindingSeconds);
        }
        p = DhcpMessage.emitIntOption(reply, p, OPTION_SUBNET_MASK, config.netmask());
        p = DhcpMessage.emitIntOption(reply, p, OPTION_ROUTER, config.gateway());
        p = DhcpMessage.emitIntOption(reply, p, OPTION_DNS, config.dns());
        if (domainNameOption != null) p = DhcpMessage.emitBytesOption(reply, p, OPTION_DOMAIN_NAME, domainNameOption);
        if (domainSearchOption != null) p = DhcpMessage.emitBytesOption(reply, p, OPTION_DOMAIN_SEARCH, domainSearchOption);
        if (config.mtu().isPresent()) p = DhcpMessage.emitShortOption(reply, p, OPTION_INTERFACE_MTU, config.mtu().getAsInt());
        int length = DhcpMessage.emitEnd(reply, off, p);
        assert length <= MAX_REPLY_LENGTH : "DhcpConfig let options grow past 548 bytes";
        return length;
    }

    /** NAK: RFC 2131 §4.3.2 Table 3: ciaddr and yiaddr 0, only message type and server identifier. */
    private int emitNak(DhcpMessage msg, ByteBuffer reply, int off) {
        int p = DhcpMessage.emitHeader(reply, off, OP_BOOTREPLY, msg.xid(), msg.flags(), 0, 0, 0, 0, msg.chaddrMac());
        p = DhcpMessage.emitByteOption(reply, p, OPTION_MESSAGE_TYPE, DHCPNAK);
        p = DhcpMessage.emitIntOption(reply, p, OPTION_SERVER_ID, config.gateway());
        return DhcpMessage.emitEnd(reply, off, p);
    }
}
