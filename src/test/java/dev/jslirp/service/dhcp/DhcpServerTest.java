package dev.jslirp.service.dhcp;

import static dev.jslirp.wire.DhcpMessage.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jslirp.wire.DhcpMessage;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.MacAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real client messages (captured from busybox udhcpc and ISC dhclient, see the fixture headers)
 * fed to the server, replies checked field by field.
 */
class DhcpServerTest {
    static final long MAC = 0x5254_0012_3456L;         // the MAC in every fixture
    static final long OTHER_MAC = 0x5254_00AB_CDEFL;
    static final int GATEWAY = 0x0A00_0202, DNS = 0x0A00_0203;
    static final int ADDR_15 = 0x0A00_020F, ADDR_16 = 0x0A00_0210, ADDR_21 = 0x0A00_0215, ADDR_22 = 0x0A00_0216;
    static final long T0 = 1_000_000_000_000L;         // an arbitrary clock origin
    static final long SECOND = 1_000_000_000L;

    DhcpServer server;
    ByteBuffer reply;
    int replyLength;
    final DhcpMessage r = new DhcpMessage();

    /** The fixtures were captured against a server that handed out 10.0.2.21: start our pool there. */
    static DhcpConfig fixtureConfig() {
        return new DhcpConfig(DhcpConfig.DEFAULT_NETWORK, 24, GATEWAY, DNS, ADDR_21, 16, 86400,
                OptionalInt.empty(), Optional.empty(), List.of());
    }

    @BeforeEach
    void setUp() {
        server = new DhcpServer(fixtureConfig());
        reply = ByteBuffer.allocate(1000);
    }

    /** A hex fixture by file name ("NAME.hex"), through the one loader the wire tests use. */
    static byte[] fixture(String name) {
        return dev.jslirp.wire.HexFixtures.bytes(name.endsWith(".hex") ? name.substring(0, name.length() - 4) : name);
    }

    /** Sends {@code bytes} from {@code srcMac}; returns the reply length and wraps {@code r} over the reply. */
    int send(byte[] bytes, long srcMac, long nowNs) {
        Arrays.fill(reply.array(), (byte) 0xA5);
        // the request sits at a non-zero offset in a bigger buffer, as in a frame
        ByteBuffer frame = ByteBuffer.allocate(bytes.length + 42);
        frame.put(42, bytes);
        replyLength = server.handle(frame, 42, bytes.length, srcMac, reply, 0, nowNs);
        if (replyLength > 0) {
            r.wrap(reply, 0, replyLength);
            assertTrue(r.checkLength(), "our reply parses");
            assertEquals((byte) 0xA5, reply.get(replyLength), "wrote past the reply length");
        }
        return replyLength;
    }

    int send(String fixture, long nowNs) { return send(fixture(fixture), MAC, nowNs); }

    /** A fixture with another chaddr, as if a second guest NIC had sent it. */
    static byte[] withMac(byte[] bytes, long mac) {
        byte[] b = bytes.clone();
        MacAddress.write(ByteBuffer.wrap(b), CHADDR_OFFSET, mac);
        return b;
    }

    /** A client message built with our own emit helpers, for message kinds we did not capture. */
    static byte[] message(int type, long mac, int ciaddr, int requested, int serverId, int flags) {
        ByteBuffer b = ByteBuffer.allocate(300);
        int p = emitHeader(b, 0, OP_BOOTREQUEST, 0x1234_5678, flags, ciaddr, 0, 0, 0, mac);
        p = emitByteOption(b, p, OPTION_MESSAGE_TYPE, type);
        if (requested != 0) p = emitIntOption(b, p, OPTION_REQUESTED_IP, requested);
        if (serverId != 0) p = emitIntOption(b, p, OPTION_SERVER_ID, serverId);
        return Arrays.copyOf(b.array(), emitEnd(b, 0, p));
    }

    int intOption(int code) {
        int v = r.findOption(code);
        assertTrue(v >= 0, "option " + code + " present");
        assertEquals(4, r.optionLength(v));
        return reply.getInt(v);
    }

    List<Integer> optionCodes() {
        List<Integer> codes = new ArrayList<>();
        OptionCursor c = new OptionCursor();
        for (c.reset(r); c.next(); ) codes.add(c.code());
        return codes;
    }

    void assertLeaseReply(int type, int xid, int ciaddr, int yiaddr) {
        assertEquals(MIN_BOOTP_LENGTH, replyLength, "padded to the BOOTP minimum");
        assertEquals(OP_BOOTREPLY, r.op());
        assertEquals(HTYPE_ETHERNET, r.htype());
        assertEquals(HLEN_ETHERNET, r.hlen());
        assertEquals(0, r.hops());
        assertEquals(xid, r.xid());
        assertEquals(0, r.secs());
        assertEquals(0, r.flags());
        assertEquals(ciaddr, r.ciaddr());
        assertEquals(yiaddr, r.yiaddr());
        assertEquals(0, r.siaddr());
        assertEquals(0, r.giaddr());
        assertEquals(MAC, r.chaddrMac());
        assertEquals(type, r.messageType());
        assertEquals(List.of(53, 54, 51, 58, 59, 1, 3, 6), optionCodes());
        assertEquals(GATEWAY, intOption(OPTION_SERVER_ID));
        assertEquals(86400, intOption(OPTION_LEASE_TIME));
        assertEquals(43200, intOption(OPTION_RENEWAL_TIME));
        assertEquals(75600, intOption(OPTION_REBINDING_TIME));
        assertEquals(0xFFFF_FF00, intOption(OPTION_SUBNET_MASK));
        assertEquals(GATEWAY, intOption(OPTION_ROUTER));
        assertEquals(DNS, intOption(OPTION_DNS));
    }

    void assertNak(int xid) {
        assertEquals(OP_BOOTREPLY, r.op());
        assertEquals(DHCPNAK, r.messageType());
        assertEquals(xid, r.xid());
        assertEquals(0, r.ciaddr());
        assertEquals(0, r.yiaddr());
        assertEquals(List.of(53, 54), optionCodes());
        assertEquals(GATEWAY, intOption(OPTION_SERVER_ID));
        assertEquals(Ipv4Address.BROADCAST, server.replyDestination(reply, 0, replyLength), "NAKs are broadcast");
        assertEquals(MacAddress.BROADCAST, server.replyDestinationMac(reply, 0, replyLength));
    }

    // ---- the four-message exchange of each client ----

    @Test
    void udhcpcDiscoverGetsOfferUnicastToYiaddr() {
        assertTrue(send("dhcp-udhcpc-discover.hex", T0) > 0);
        assertLeaseReply(DHCPOFFER, 0x50cd744f, 0, ADDR_21);
        // broadcast flag clear, ciaddr 0: RFC 2131 §4.1 unicast to yiaddr at chaddr
        assertEquals(ADDR_21, server.replyDestination(reply, 0, replyLength));
        assertEquals(MAC, server.replyDestinationMac(reply, 0, replyLength));
        assertEquals(1, server.counters().offers());
    }

    @Test
    void udhcpcSelectingRequestGetsAck() {
        send("dhcp-udhcpc-discover.hex", T0);
        assertTrue(send("dhcp-udhcpc-request-selecting.hex", T0 + 2 * SECOND) > 0);
        assertLeaseReply(DHCPACK, 0x50cd744f, 0, ADDR_21);
        assertEquals(ADDR_21, server.replyDestination(reply, 0, replyLength));
        assertEquals(1, server.counters().acks());
    }

    @Test
    void dhclientDiscoverAndSelectingRequest() {
        send("dhcp-dhclient-discover.hex", T0);
        assertLeaseReply(DHCPOFFER, 0x5a879347, 0, ADDR_21);
        send("dhcp-dhclient-request-selecting.hex", T0 + SECOND);
        assertLeaseReply(DHCPACK, 0x5a879347, 0, ADDR_21);
    }

    @Test
    void dhclientGetsConfiguredMtuDomainAndSearchList() {
        DhcpConfig c = fixtureConfig().withNames(OptionalInt.of(1400), Optional.of("jslirp.internal"),
                List.of("jslirp.internal", "example.org"));
        server = new DhcpServer(c);
        send("dhcp-dhclient-discover.hex", T0);
        assertEquals(List.of(53, 54, 51, 58, 59, 1, 3, 6, 15, 119, 26), optionCodes());
        int mtu = r.findOption(OPTION_INTERFACE_MTU);
        assertEquals(1400, reply.getShort(mtu));
        int domain = r.findOption(OPTION_DOMAIN_NAME);
        byte[] name = new byte[r.optionLength(domain)];
        reply.get(domain, name);
        assertEquals("jslirp.internal", new String(name, StandardCharsets.US_ASCII));
        int search = r.findOption(OPTION_DOMAIN_SEARCH);
        byte[] list = new byte[r.optionLength(search)];
        reply.get(search, list);
        assertEquals("066a736c69727008696e7465726e616c00" + "076578616d706c65036f726700", HexFormat.of().formatHex(list));
    }

    @Test
    void udhcpcGetsTheOptionsItDidNotRequestToo() {
        server = new DhcpServer(fixtureConfig().withNames(OptionalInt.of(1500), Optional.empty(), List.of("x.test")));
        send("dhcp-udhcpc-discover.hex", T0);
        assertTrue(r.findOption(OPTION_INTERFACE_MTU) > 0);
        assertTrue(r.findOption(OPTION_DOMAIN_SEARCH) > 0);
        assertEquals(-1, r.findOption(OPTION_DOMAIN_NAME));
    }

    @Test
    void sameMacGetsTheSameOfferEveryTime() {
        send("dhcp-udhcpc-discover.hex", T0);
        send("dhcp-dhclient-discover.hex", T0 + SECOND);
        assertEquals(ADDR_21, r.yiaddr());
        send(withMac(fixture("dhcp-dhclient-discover.hex"), OTHER_MAC), OTHER_MAC, T0 + 2 * SECOND);
        assertEquals(ADDR_22, r.yiaddr(), "another client gets another address while the offer is held");
    }

    @Test
    void discoverWithRequestedAddressGetsItWhenFree() {
        server = new DhcpServer(DhcpConfig.defaults()); // pool 10.0.2.15..30; udhcpc -r asked for .20
        send("dhcp-udhcpc-discover-requested.hex", T0);
        assertEquals(0x0A00_0214, r.yiaddr());
    }

    @Test
    void defaultPoolStartsAtDot15() {
        server = new DhcpServer(DhcpConfig.defaults());
        send("dhcp-udhcpc-discover.hex", T0);
        assertEquals(ADDR_15, r.yiaddr());
        send(withMac(fixture("dhcp-udhcpc-discover.hex"), OTHER_MAC), OTHER_MAC, T0);
        assertEquals(ADDR_16, r.yiaddr());
    }

    @Test
    void broadcastFlagMakesTheReplyBroadcast() {
        byte[] discover = fixture("dhcp-dhclient-discover.hex");
        discover[FLAGS_OFFSET] = (byte) 0x80;
        send(discover, MAC, T0);
        assertEquals(FLAG_BROADCAST, r.flags(), "flags are copied from the request");
        assertEquals(Ipv4Address.BROADCAST, server.replyDestination(reply, 0, replyLength));
        assertEquals(MacAddress.BROADCAST, server.replyDestinationMac(reply, 0, replyLength));
    }

    // ---- INIT-REBOOT, RENEWING, REBINDING ----

    @Test
    void initRebootForAFreeAddressGetsAck() {
        // jslirp restarted, dhclient comes back with its lease file: nobody else has .21
        send("dhcp-dhclient-request-init-reboot.hex", T0);
        assertLeaseReply(DHCPACK, 0xf6e65e60, 0, ADDR_21);
        assertEquals(ADDR_21, server.replyDestination(reply, 0, replyLength));
    }

    @Test
    void initRebootForAnotherClientsAddressGetsNak() {
        send(withMac(fixture("dhcp-dhclient-discover.hex"), OTHER_MAC), OTHER_MAC, T0);
        send(withMac(fixture("dhcp-dhclient-request-selecting.hex"), OTHER_MAC), OTHER_MAC, T0);
        assertEquals(ADDR_21, r.yiaddr());
        send("dhcp-dhclient-request-init-reboot.hex", T0 + SECOND);
        assertNak(0xf6e65e60);
        assertEquals(1, server.counters().naks());
    }

    @Test
    void requestForAddressOutsideTheNetworkGetsNak() {
        byte[] b = fixture("dhcp-dhclient-request-init-reboot.hex");
        DhcpMessage m = new DhcpMessage().wrap(ByteBuffer.wrap(b), 0, b.length);
        assertTrue(m.checkLength());
        ByteBuffer.wrap(b).putInt(m.findOption(OPTION_REQUESTED_IP), Ipv4Address.parse("192.168.1.50"));
        send(b, MAC, T0);
        assertNak(0xf6e65e60);
    }

    @Test
    void requestForAddressInTheNetworkButOutsideThePoolGetsNak() {
        send(message(DHCPREQUEST, MAC, 0, Ipv4Address.parse("10.0.2.100"), 0, 0), MAC, T0);
        assertNak(0x1234_5678);
    }

    @Test
    void renewingGetsAckUnicastToCiaddrAndExtendsTheLease() {
        send("dhcp-udhcpc-discover.hex", T0);
        send("dhcp-udhcpc-request-selecting.hex", T0);
        long renewAt = T0 + 43_200 * SECOND;
        assertTrue(send("dhcp-udhcpc-request-renewing.hex", renewAt) > 0);
        assertLeaseReply(DHCPACK, 0x50cd744f, ADDR_21, ADDR_21);
        assertEquals(ADDR_21, server.replyDestination(reply, 0, replyLength));
        assertEquals(MAC, server.replyDestinationMac(reply, 0, replyLength));
        // the renewed lease outlives the first one: another client can't take .21 in between
        send(withMac(fixture("dhcp-dhclient-discover.hex"), OTHER_MAC), OTHER_MAC, T0 + 86_500 * SECOND);
        assertEquals(ADDR_22, r.yiaddr());
    }

    @Test
    void rebindingBroadcastRequestWithCiaddrGetsAckToCiaddr() {
        send("dhcp-udhcpc-discover.hex", T0);
        send("dhcp-udhcpc-request-selecting.hex", T0);
        byte[] rebind = fixture("dhcp-udhcpc-request-renewing.hex");
        rebind[FLAGS_OFFSET] = (byte) 0x80; // REBINDING clients broadcast; some set the flag
        send(rebind, MAC, T0 + 75_600 * SECOND);
        assertEquals(DHCPACK, r.messageType());
        assertEquals(ADDR_21, r.ciaddr());
        // RFC 2131 §4.1: ciaddr set wins over the broadcast bit
        assertEquals(ADDR_21, server.replyDestination(reply, 0, replyLength));
    }

    @Test
    void renewingAnAddressThatIsNotTheClientsGetsNak() {
        send(withMac(fixture("dhcp-dhclient-discover.hex"), OTHER_MAC), OTHER_MAC, T0);
        send("dhcp-udhcpc-request-renewing.hex", T0); // .21 is held for OTHER_MAC
        assertNak(0x50cd744f);
    }

    @Test
    void selectingAnotherServerFreesOurOfferSilently() {
        send("dhcp-udhcpc-discover.hex", T0);
        byte[] req = fixture("dhcp-udhcpc-request-selecting.hex");
        DhcpMessage m = new DhcpMessage().wrap(ByteBuffer.wrap(req), 0, req.length);
        assertTrue(m.checkLength());
        ByteBuffer.wrap(req).putInt(m.findOption(OPTION_SERVER_ID), Ipv4Address.parse("10.0.2.99"));
        assertEquals(0, send(req, MAC, T0 + SECOND));
        assertEquals(1, server.counters().otherServer());
        // the offer no longer blocks .21 for OTHER_MAC? It stays remembered for MAC, so OTHER_MAC gets .22
        send(withMac(fixture("dhcp-dhclient-discover.hex"), OTHER_MAC), OTHER_MAC, T0 + 2 * SECOND);
        assertEquals(ADDR_22, r.yiaddr());
    }

    // ---- RELEASE, DECLINE, INFORM ----

    @Test
    void releaseThenRediscoverGetsTheSameAddress() {
        send("dhcp-udhcpc-discover.hex", T0);
        send("dhcp-udhcpc-request-selecting.hex", T0);
        assertEquals(0, send("dhcp-udhcpc-release.hex", T0 + 10 * SECOND), "no reply to RELEASE");
        assertEquals(1, server.counters().releases());
        // a newcomer gets a never-used address, not the released one
        send(withMac(fixture("dhcp-dhclient-discover.hex"), OTHER_MAC), OTHER_MAC, T0 + 11 * SECOND);
        assertEquals(ADDR_22, r.yiaddr());
        send("dhcp-dhclient-discover.hex", T0 + 12 * SECOND);
        assertEquals(ADDR_21, r.yiaddr());
        send("dhcp-dhclient-request-selecting.hex", T0 + 12 * SECOND);
        assertEquals(DHCPACK, r.messageType());
    }

    @Test
    void releasedAddressIsReusedOnlyWhenThePoolRunsOut() {
        server = new DhcpServer(fixtureConfig().withPoolSize(1));
        send("dhcp-dhclient-discover.hex", T0);
        send("dhcp-dhclient-request-selecting.hex", T0);
        send("dhcp-dhclient-release.hex", T0 + SECOND);
        send(withMac(fixture("dhcp-dhclient-discover.hex"), OTHER_MAC), OTHER_MAC, T0 + 2 * SECOND);
        assertEquals(ADDR_21, r.yiaddr(), "the only address, free since the release");
    }

    @Test
    void releaseOfSomeoneElsesAddressIsIgnored() {
        send("dhcp-udhcpc-discover.hex", T0);
        send("dhcp-udhcpc-request-selecting.hex", T0);
        send(withMac(fixture("dhcp-udhcpc-release.hex"), OTHER_MAC), OTHER_MAC, T0);
        assertEquals(0, server.counters().releases());
        send(withMac(fixture("dhcp-dhclient-discover.hex"), OTHER_MAC), OTHER_MAC, T0);
        assertEquals(ADDR_22, r.yiaddr());
    }

    @Test
    void declinedAddressIsQuarantinedAndAnotherOneOffered() {
        send("dhcp-udhcpc-discover.hex", T0);
        send("dhcp-udhcpc-request-selecting.hex", T0);
        assertEquals(0, send(message(DHCPDECLINE, MAC, 0, ADDR_21, GATEWAY, 0), MAC, T0 + SECOND));
        assertEquals(1, server.counters().declines());
        send("dhcp-udhcpc-discover.hex", T0 + 2 * SECOND);
        assertEquals(ADDR_22, r.yiaddr());
        // INIT-REBOOT into the declined address is refused too
        send("dhcp-dhclient-request-init-reboot.hex", T0 + 3 * SECOND);
        assertNak(0xf6e65e60);
        // once the quarantine is over the address is a fresh one again
        server = new DhcpServer(fixtureConfig().withPoolSize(1));
        send("dhcp-udhcpc-discover.hex", T0);
        send("dhcp-udhcpc-request-selecting.hex", T0);
        send(message(DHCPDECLINE, MAC, 0, ADDR_21, GATEWAY, 0), MAC, T0);
        assertEquals(0, send("dhcp-udhcpc-discover.hex", T0 + SECOND), "only address quarantined");
        send("dhcp-udhcpc-discover.hex", T0 + DhcpServer.DECLINE_HOLD_NS);
        assertEquals(ADDR_21, r.yiaddr());
    }

    @Test
    void informGetsAckWithoutYiaddrOrLeaseTimes() {
        int ciaddr = Ipv4Address.parse("10.0.2.50");
        send(message(DHCPINFORM, MAC, ciaddr, 0, 0, 0), MAC, T0);
        assertEquals(DHCPACK, r.messageType());
        assertEquals(ciaddr, r.ciaddr());
        assertEquals(0, r.yiaddr());
        assertEquals(List.of(53, 54, 1, 3, 6), optionCodes());
        assertEquals(ciaddr, server.replyDestination(reply, 0, replyLength));
        assertEquals(1, server.counters().informs());
    }

    // ---- pool exhaustion and expiry ----

    @Test
    void exhaustedPoolSendsNoOfferAndCounts() {
        server = new DhcpServer(fixtureConfig().withPoolSize(2));
        for (long mac = 1; mac <= 2; mac++) {
            long m = 0x0200_0000_0000L | mac;
            send(withMac(fixture("dhcp-udhcpc-discover.hex"), m), m, T0);
            send(message(DHCPREQUEST, m, 0, r.yiaddr(), GATEWAY, 0), m, T0); // SELECTING what we offered
            assertEquals(DHCPACK, r.messageType(), "client " + mac);
        }
        assertEquals(0, send("dhcp-udhcpc-discover.hex", T0 + SECOND));
        assertEquals(1, server.counters().poolExhausted());
        // leases expire lazily: after the lease time the oldest address is reused
        send("dhcp-udhcpc-discover.hex", T0 + 86_400 * SECOND);
        assertEquals(DHCPOFFER, r.messageType());
    }

    @Test
    void unansweredOffersAreHeldOnlyForAWhile() {
        server = new DhcpServer(fixtureConfig().withPoolSize(1));
        send(withMac(fixture("dhcp-udhcpc-discover.hex"), OTHER_MAC), OTHER_MAC, T0);
        assertEquals(0, send("dhcp-udhcpc-discover.hex", T0 + SECOND));
        send("dhcp-udhcpc-discover.hex", T0 + DhcpServer.OFFER_HOLD_NS);
        assertEquals(ADDR_21, r.yiaddr());
    }

    // ---- untrusted input ----

    @Test
    void chaddrThatIsNotTheFrameSourceIsDropped() {
        assertEquals(0, send(fixture("dhcp-udhcpc-discover.hex"), OTHER_MAC, T0));
        assertEquals(1, server.counters().chaddrMismatch());
    }

    @Test
    void relayedAndBootpAndServerMessagesAreIgnored() {
        byte[] relayed = fixture("dhcp-udhcpc-discover.hex");
        relayed[GIADDR_OFFSET] = 10;
        assertEquals(0, send(relayed, MAC, T0));
        assertEquals(1, server.counters().relayed());
        byte[] offer = fixture("dhcp-udhcpd-offer.hex");
        offer[OP_OFFSET] = OP_BOOTREQUEST;
        assertEquals(0, send(offer, MAC, T0));
        assertEquals(1, server.counters().ignoredType());
        assertEquals(0, send(fixture("dhcp-udhcpd-offer.hex"), MAC, T0), "BOOTREPLY from the guest");
        assertEquals(1, server.counters().malformed());
    }

    @Test
    void optionLengthPastTheEndIsDroppedAndCounted() {
        byte[] b = fixture("dhcp-dhclient-discover.hex");
        b[HEADER_LENGTH + 4] = (byte) 0xF0; // the hostname option claims 240 bytes
        assertEquals(0, send(b, MAC, T0));
        assertEquals(1, server.counters().malformed());
    }

    @Test
    void requestWithoutAnyAddressIsDropped() {
        assertEquals(0, send(message(DHCPREQUEST, MAC, 0, 0, 0, 0), MAC, T0));
        assertEquals(0, send(message(DHCPREQUEST, MAC, 0, 0, GATEWAY, 0), MAC, T0));
        assertEquals(2, server.counters().malformed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dhcp-udhcpc-discover.hex", "dhcp-udhcpc-request-selecting.hex", "dhcp-udhcpc-request-renewing.hex",
            "dhcp-udhcpc-release.hex", "dhcp-dhclient-discover.hex", "dhcp-dhclient-request-init-reboot.hex"})
    void everyTruncationNeverThrows(String name) {
        byte[] full = fixture(name);
        for (int n = 0; n < full.length; n++) {
            byte[] prefix = Arrays.copyOf(full, n);
            // exactly n bytes: reading past them would throw
            int len = server.handle(ByteBuffer.wrap(prefix), 0, n, MAC, reply, 0, T0);
            assertTrue(len == 0 || len >= MIN_BOOTP_LENGTH, "prefix " + n);
        }
        assertTrue(server.counters().malformed() >= HEADER_LENGTH);
    }

    @Property(tries = 2000)
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 400) byte[] bytes) {
        DhcpServer s = new DhcpServer(fixtureConfig());
        int len = s.handle(ByteBuffer.wrap(bytes), 0, bytes.length, MAC, ByteBuffer.allocate(600), 0, T0);
        assertTrue(len == 0 || len >= MIN_BOOTP_LENGTH);
    }

    @Property(tries = 2000)
    void arbitraryOptionsAfterARealHeaderNeverThrow(@ForAll @Size(max = 120) byte[] options) {
        byte[] b = Arrays.copyOf(fixture("dhcp-udhcpc-discover.hex"), HEADER_LENGTH + options.length);
        System.arraycopy(options, 0, b, HEADER_LENGTH, options.length);
        DhcpServer s = new DhcpServer(fixtureConfig());
        int len = s.handle(ByteBuffer.wrap(b), 0, b.length, MAC, ByteBuffer.allocate(600), 0, T0);
        assertTrue(len == 0 || len >= MIN_BOOTP_LENGTH);
    }

    @Test
    void tooSmallReplyBufferIsOurBug() {
        assertThrows(IllegalArgumentException.class,
                () -> server.handle(ByteBuffer.wrap(fixture("dhcp-udhcpc-discover.hex")), 0, 300, MAC, ByteBuffer.allocate(100), 0, T0));
    }

    @Test
    void handlingAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] d = fixture("dhcp-udhcpc-discover.hex"), q = fixture("dhcp-udhcpc-request-selecting.hex");
        ByteBuffer discover = ByteBuffer.allocateDirect(d.length).put(0, d), request = ByteBuffer.allocateDirect(q.length).put(0, q);
        ByteBuffer out = ByteBuffer.allocateDirect(600);
        for (int i = 0; i < 20_000; i++) { // warm-up: let the JIT compile and escape-analyse
            server.handle(discover, 0, d.length, MAC, out, 0, T0 + i);
            server.handle(request, 0, q.length, MAC, out, 0, T0 + i);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            server.handle(discover, 0, d.length, MAC, out, 0, T0 + i);
            int n = server.handle(request, 0, q.length, MAC, out, 0, T0 + i);
            server.replyDestination(out, 0, n);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
    }
}
