package dev.jslirp.wire;

import static dev.jslirp.wire.DhcpMessage.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DhcpMessageTest {
    static final long CLIENT_MAC = 0x5254_0012_3456L;

    /** A fixture from src/test/resources/frames: '#' lines are comments, whitespace is ignored. */
    /** A hex fixture by file name ("NAME.hex"), through the one loader the wire tests use. */
    static byte[] fixture(String name) {
        return dev.jslirp.wire.HexFixtures.bytes(name.endsWith(".hex") ? name.substring(0, name.length() - 4) : name);
    }

    static DhcpMessage view(byte[] bytes) {
        return new DhcpMessage().wrap(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    static List<Integer> optionCodes(DhcpMessage msg) {
        List<Integer> codes = new ArrayList<>();
        OptionCursor c = new OptionCursor();
        for (c.reset(msg); c.next(); ) codes.add(c.code());
        return codes;
    }

    @Test
    void decodesUdhcpcDiscover() {
        DhcpMessage m = view(fixture("dhcp-udhcpc-discover.hex"));
        assertTrue(m.checkLength());
        assertEquals(300, m.length());
        assertEquals(OP_BOOTREQUEST, m.op());
        assertEquals(HTYPE_ETHERNET, m.htype());
        assertEquals(HLEN_ETHERNET, m.hlen());
        assertEquals(0, m.hops());
        assertEquals(0x50cd744f, m.xid());
        assertEquals(0, m.secs());
        assertFalse(m.broadcastFlag());
        assertEquals(0, m.ciaddr());
        assertEquals(0, m.yiaddr());
        assertEquals(0, m.siaddr());
        assertEquals(0, m.giaddr());
        assertEquals(CLIENT_MAC, m.chaddrMac());
        assertEquals(MAGIC_COOKIE, m.magicCookie());
        assertEquals(DHCPDISCOVER, m.messageType());
        assertEquals(List.of(53, 57, 55, 12, 60, 61), optionCodes(m));
        int maxSize = m.findOption(OPTION_MAX_MESSAGE_SIZE);
        assertEquals(2, m.optionLength(maxSize));
        assertEquals(576, m.buffer().getShort(maxSize));
        int host = m.findOption(OPTION_HOSTNAME);
        byte[] name = new byte[m.optionLength(host)];
        m.buffer().get(host, name);
        assertEquals("guest1", new String(name, StandardCharsets.US_ASCII));
        assertTrue(m.requestsParameter(OPTION_DNS));
        assertFalse(m.requestsParameter(OPTION_DOMAIN_SEARCH));
        assertEquals(-1, m.findOption(OPTION_SERVER_ID));
        assertEquals("DHCP DISCOVER xid 0x50cd744f chaddr 52:54:00:12:34:56", m.toString());
    }

    @Test
    void decodesDhclientDiscover() {
        DhcpMessage m = view(fixture("dhcp-dhclient-discover.hex"));
        assertTrue(m.checkLength());
        assertEquals(DHCPDISCOVER, m.messageType());
        assertEquals(CLIENT_MAC, m.chaddrMac());
        assertEquals(List.of(53, 12, 55), optionCodes(m));
        assertTrue(m.requestsParameter(OPTION_DOMAIN_SEARCH));
        assertTrue(m.requestsParameter(OPTION_INTERFACE_MTU));
        assertFalse(m.requestsParameter(OPTION_LEASE_TIME));
    }

    @Test
    void decodesRequestsInEachClientState() {
        DhcpMessage selecting = view(fixture("dhcp-udhcpc-request-selecting.hex"));
        assertTrue(selecting.checkLength());
        assertEquals(DHCPREQUEST, selecting.messageType());
        assertEquals(0x0A00_0215, selecting.addressOption(OPTION_REQUESTED_IP));
        assertEquals(0x0A00_0202, selecting.addressOption(OPTION_SERVER_ID));
        assertEquals(0, selecting.ciaddr());
        assertEquals(2, selecting.secs()); // udhcpc counts seconds since it started

        DhcpMessage initReboot = view(fixture("dhcp-dhclient-request-init-reboot.hex"));
        assertTrue(initReboot.checkLength());
        assertEquals(0x0A00_0215, initReboot.addressOption(OPTION_REQUESTED_IP));
        assertEquals(0, initReboot.addressOption(OPTION_SERVER_ID));
        assertEquals(0, initReboot.ciaddr());

        DhcpMessage renewing = view(fixture("dhcp-udhcpc-request-renewing.hex"));
        assertTrue(renewing.checkLength());
        assertEquals(0x0A00_0215, renewing.ciaddr());
        assertEquals(0, renewing.addressOption(OPTION_REQUESTED_IP));
        assertEquals("DHCP REQUEST xid 0x50cd744f chaddr 52:54:00:12:34:56 ciaddr 10.0.2.21", renewing.toString());

        DhcpMessage release = view(fixture("dhcp-dhclient-release.hex"));
        assertTrue(release.checkLength());
        assertEquals(DHCPRELEASE, release.messageType());
        assertEquals(0x0A00_0215, release.ciaddr());
        assertEquals(0x0A00_0202, release.addressOption(OPTION_SERVER_ID));
    }

    /** smoltcp's test_construct: emit into a 0xA5-filled buffer, compare with real bytes. */
    @Test
    void emitsTheSameBytesAsUdhcpdOffer() {
        byte[] expected = fixture("dhcp-udhcpd-offer.hex");
        ByteBuffer buf = ByteBuffer.allocate(600);
        Arrays.fill(buf.array(), (byte) 0xA5);
        int p = emitHeader(buf, 0, OP_BOOTREPLY, 0x50cd744f, 0, 0, 0x0A00_0215, 0, 0, CLIENT_MAC);
        p = emitByteOption(buf, p, OPTION_MESSAGE_TYPE, DHCPOFFER);
        p = emitIntOption(buf, p, OPTION_SERVER_ID, 0x0A00_0202);
        p = emitIntOption(buf, p, OPTION_LEASE_TIME, 86400);
        p = emitIntOption(buf, p, OPTION_SUBNET_MASK, 0xFFFF_FF00);
        p = emitIntOption(buf, p, OPTION_ROUTER, 0x0A00_0202);
        p = emitIntOption(buf, p, OPTION_DNS, 0x0A00_0203);
        p = emitBytesOption(buf, p, OPTION_DOMAIN_NAME, "jslirp.internal".getBytes(StandardCharsets.US_ASCII));
        int length = emitEnd(buf, 0, p);
        assertEquals(expected.length, length);
        assertArrayEquals(expected, Arrays.copyOf(buf.array(), length));
        assertEquals((byte) 0xA5, buf.get(length), "wrote past the end");
    }

    @Test
    void emitsShortOptionAndPadsToBootpMinimum() {
        ByteBuffer buf = ByteBuffer.allocate(400);
        Arrays.fill(buf.array(), (byte) 0xA5);
        int p = emitHeader(buf, 7, OP_BOOTREPLY, 1, FLAG_BROADCAST, 0, 0, 0, 0, CLIENT_MAC);
        p = emitShortOption(buf, p, OPTION_INTERFACE_MTU, 1500);
        int length = emitEnd(buf, 7, p);
        assertEquals(MIN_BOOTP_LENGTH, length);
        DhcpMessage m = new DhcpMessage().wrap(buf, 7, length);
        assertTrue(m.checkLength());
        assertTrue(m.broadcastFlag());
        assertEquals(1500, buf.getShort(m.findOption(OPTION_INTERFACE_MTU)));
        assertEquals(0, buf.get(7 + CHADDR_OFFSET + 6), "chaddr padding zeroed");
        assertEquals(0, buf.get(7 + SNAME_OFFSET), "sname zeroed");
        assertEquals(0, buf.get(7 + length - 1), "padding is zeros");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dhcp-udhcpc-discover.hex", "dhcp-udhcpc-request-selecting.hex", "dhcp-udhcpc-request-renewing.hex",
            "dhcp-udhcpc-release.hex", "dhcp-udhcpc-discover-requested.hex", "dhcp-dhclient-discover.hex",
            "dhcp-dhclient-request-selecting.hex", "dhcp-dhclient-release.hex", "dhcp-dhclient-request-init-reboot.hex",
            "dhcp-udhcpd-offer.hex"})
    void everyTruncatedPrefixIsHandledWithoutLeavingTheBytes(String name) {
        byte[] full = fixture(name);
        assertTrue(view(full).checkLength());
        for (int n = 0; n < full.length; n++) {
            // A buffer exactly n bytes long: any read past the prefix would throw.
            ByteBuffer buf = ByteBuffer.wrap(Arrays.copyOf(full, n));
            DhcpMessage m = new DhcpMessage().wrap(buf, 0, n);
            boolean ok = m.checkLength();
            if (n < HEADER_LENGTH) assertFalse(ok, "prefix " + n);
            if (ok) {
                m.messageType();
                m.addressOption(OPTION_REQUESTED_IP);
                m.requestsParameter(OPTION_DNS);
                optionCodes(m);
                assertNotNull(m.toString());
            }
        }
    }

    @Test
    void optionLengthPastTheEndIsRejected() {
        byte[] b = fixture("dhcp-udhcpc-discover.hex");
        b[HEADER_LENGTH + 1] = (byte) 200; // option 53 claims 200 bytes; only 60 follow
        assertFalse(view(b).checkLength());
        OptionCursor c = new OptionCursor().reset(view(b));
        assertFalse(c.next(), "the cursor stops too, even unchecked");
    }

    @Test
    void optionCodeWithoutLengthByteIsRejected() {
        byte[] b = new byte[HEADER_LENGTH + 1];
        ByteBuffer.wrap(b).putInt(MAGIC_OFFSET, MAGIC_COOKIE);
        b[HEADER_LENGTH] = (byte) OPTION_MESSAGE_TYPE;
        assertFalse(view(b).checkLength());
    }

    @Test
    void wrongMagicCookieIsRejected() {
        byte[] b = fixture("dhcp-udhcpc-discover.hex");
        b[MAGIC_OFFSET] = 0;
        assertFalse(view(b).checkLength());
    }

    @Test
    void missingEndOptionAndPaddingAreTolerated() {
        byte[] b = new byte[HEADER_LENGTH + 5];
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.putInt(MAGIC_OFFSET, MAGIC_COOKIE);
        b[HEADER_LENGTH] = 0; // pad
        b[HEADER_LENGTH + 1] = 0; // pad
        b[HEADER_LENGTH + 2] = (byte) OPTION_MESSAGE_TYPE;
        b[HEADER_LENGTH + 3] = 1;
        b[HEADER_LENGTH + 4] = (byte) DHCPINFORM;
        DhcpMessage m = view(b);
        assertTrue(m.checkLength());
        assertEquals(DHCPINFORM, m.messageType());
        assertEquals(List.of(53), optionCodes(m));
    }

    @Test
    void overloadAndUnknownOptionsAreSkipped() {
        byte[] b = new byte[HEADER_LENGTH + 12];
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.putInt(MAGIC_OFFSET, MAGIC_COOKIE);
        int p = HEADER_LENGTH;
        p = emitByteOption(buf, p, OPTION_OVERLOAD, 3);     // "sname and file hold options": not read
        p = emitShortOption(buf, p, 224, 0xBEEF);           // site-specific, unknown to us
        p = emitByteOption(buf, p, OPTION_MESSAGE_TYPE, DHCPDISCOVER);
        b[p] = (byte) OPTION_END;
        DhcpMessage m = view(b);
        assertTrue(m.checkLength());
        assertEquals(DHCPDISCOVER, m.messageType());
        assertEquals(List.of(52, 224, 53), optionCodes(m));
    }

    @Test
    void wrongLengthOfTypedOptionsReadsAsAbsent() {
        byte[] b = new byte[HEADER_LENGTH + 8];
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.putInt(MAGIC_OFFSET, MAGIC_COOKIE);
        int p = emitShortOption(buf, HEADER_LENGTH, OPTION_MESSAGE_TYPE, 0x0101);
        emitShortOption(buf, p, OPTION_REQUESTED_IP, 0x0A00);
        DhcpMessage m = view(b);
        assertTrue(m.checkLength());
        assertEquals(0, m.messageType());
        assertEquals(0, m.addressOption(OPTION_REQUESTED_IP));
    }

    @Property
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 400) byte[] bytes) {
        DhcpMessage m = view(bytes);
        if (m.checkLength()) {
            m.messageType();
            m.addressOption(OPTION_SERVER_ID);
            optionCodes(m);
        }
        assertNotNull(m.toString());
    }

    @Property
    void arbitraryOptionsAfterARealHeaderNeverThrow(@ForAll @Size(max = 80) byte[] options) {
        byte[] b = Arrays.copyOf(fixture("dhcp-udhcpc-discover.hex"), HEADER_LENGTH + options.length);
        System.arraycopy(options, 0, b, HEADER_LENGTH, options.length);
        DhcpMessage m = view(b);
        if (m.checkLength()) {
            m.messageType();
            m.requestsParameter(OPTION_DNS);
            optionCodes(m);
        }
        assertNotNull(m.toString());
    }
}
