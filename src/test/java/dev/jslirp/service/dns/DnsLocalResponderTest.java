package dev.jslirp.service.dns;

import static org.junit.jupiter.api.Assertions.*;

import dev.jslirp.wire.Ipv4Address;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Queries captured from a real dig (see the fixture headers), and dnsjava-built ones for the corner cases. */
class DnsLocalResponderTest {
    static final int GATEWAY = 0x0A00_0202;
    final DnsLocalResponder open = new DnsLocalResponder(DnsConfig.defaults(GATEWAY));
    final DnsLocalResponder restricted = new DnsLocalResponder(DnsConfig.defaults(GATEWAY).withRestricted(true));
    final ByteBuffer reply = ByteBuffer.allocate(1500);

    /** A hex fixture by file name ("NAME.hex"), through the one loader the wire tests use. */
    static byte[] fixture(String name) {
        return dev.jslirp.wire.HexFixtures.bytes(name.endsWith(".hex") ? name.substring(0, name.length() - 4) : name);
    }

    int ask(DnsLocalResponder responder, byte[] query) {
        Arrays.fill(reply.array(), (byte) 0xA5);
        ByteBuffer q = ByteBuffer.allocate(query.length + 50); // at an offset, as in a frame
        q.put(50, query);
        return responder.answer(q, 50, query.length, reply, 0);
    }

    String replyHex(int length) { return HexFormat.of().formatHex(reply.array(), 0, length); }

    Message parsed(int length) throws IOException { return new Message(Arrays.copyOf(reply.array(), length)); }

    static byte[] query(String name, int type, int dclass) throws IOException {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, dclass));
        m.getHeader().setID(0x4242);
        return m.toWire();
    }

    @Test
    void digQueryForHostGetsTheGatewayByteForByte() {
        int n = ask(open, fixture("dns-dig-a-host-noedns.hex"));
        // id 9110, QR AA RD RA, NOERROR, 1 question, 1 answer; the question echoed; the answer name
        // compressed to the question (c00c), IN A, TTL 60, 10.0.2.2
        assertEquals("9110" + "8580" + "0001" + "0001" + "0000" + "0000"
                + "04686f7374066a736c69727008696e7465726e616c00" + "0001" + "0001"
                + "c00c" + "0001" + "0001" + "0000003c" + "0004" + "0a000202", replyHex(n));
        assertEquals((byte) 0xA5, reply.get(n), "wrote past the reply length");
        assertEquals(1, open.answered());
    }

    @Test
    void restrictedModeAnswersOurNamesToo() {
        int n = ask(restricted, fixture("dns-dig-a-host-noedns.hex"));
        assertTrue(n > 0);
        assertEquals("9110858000010001", replyHex(8));
    }

    @Test
    void aaaaForOurNameIsNodataWithEdnsEchoed() throws IOException {
        int n = ask(open, fixture("dns-dig-aaaa-host-edns.hex"));
        Message r = parsed(n);
        assertEquals(0x84d0, r.getHeader().getID());
        assertEquals(Rcode.NOERROR, r.getRcode(), "NODATA, never NXDOMAIN for a name we own");
        assertTrue(r.getHeader().getFlag(Flags.QR));
        assertTrue(r.getHeader().getFlag(Flags.AA));
        assertTrue(r.getHeader().getFlag(Flags.RD));
        assertTrue(r.getHeader().getFlag(Flags.RA));
        assertFalse(r.getHeader().getFlag(Flags.AD), "we validate nothing");
        assertEquals(0, r.getSection(Section.ANSWER).size());
        assertEquals(Name.fromString("host.jslirp.internal."), r.getQuestion().getName());
        assertEquals(Type.AAAA, r.getQuestion().getType());
        assertNotNull(r.getOPT(), "RFC 6891 §7: EDNS query, EDNS reply");
        assertEquals(DnsLocalResponder.EDNS_PAYLOAD_SIZE, r.getOPT().getPayloadSize());
        assertEquals(0, r.getOPT().getVersion());
    }

    @Test
    void nameNotOursIsForwardedInOpenMode() {
        assertEquals(DnsLocalResponder.FORWARD, ask(open, fixture("dns-dig-a-example-noedns.hex")));
        assertEquals(1, open.forwarded());
    }

    @Test
    void nameNotOursIsRefusedInRestrictedMode() {
        int n = ask(restricted, fixture("dns-dig-a-example-noedns.hex"));
        // id 30c9, QR RD RA, REFUSED (5), the question echoed, nothing else
        assertEquals("30c9" + "8185" + "0001" + "0000" + "0000" + "0000"
                + "076578616d706c6503636f6d00" + "0001" + "0001", replyHex(n));
        assertEquals(1, restricted.refused());
    }

    @Test
    void namesMatchInAnyLetterCaseAndWithAnyClass() throws IOException {
        int n = ask(open, query("HOST.Jslirp.INTERNAL.", Type.A, DClass.IN));
        Message r = parsed(n);
        assertEquals(1, r.getSection(Section.ANSWER).size());
        assertEquals("10.0.2.2", ((ARecord) r.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
        assertEquals(0x4242, r.getHeader().getID());
        assertEquals(1, parsed(ask(open, query("gateway.jslirp.internal.", Type.ANY, DClass.ANY))).getSection(Section.ANSWER).size());
        // CHAOS class is not ours: forwarded
        assertEquals(DnsLocalResponder.FORWARD, ask(open, query("host.jslirp.internal.", Type.TXT, DClass.CH)));
    }

    @Test
    void otherTypesForOurNamesAreNodata() throws IOException {
        for (int type : new int[] {Type.MX, Type.TXT, Type.HTTPS, Type.SOA}) {
            Message r = parsed(ask(restricted, query("host.jslirp.internal.", type, DClass.IN)));
            assertEquals(Rcode.NOERROR, r.getRcode(), Type.string(type));
            assertEquals(0, r.getSection(Section.ANSWER).size());
        }
    }

    @Test
    void subdomainsOfOurNamesAreNotOurs() throws IOException {
        assertEquals(DnsLocalResponder.FORWARD, ask(open, query("www.host.jslirp.internal.", Type.A, DClass.IN)));
        assertEquals(Rcode.REFUSED, parsed(ask(restricted, query("jslirp.internal.", Type.A, DClass.IN))).getRcode());
    }

    @Test
    void configuredNamesAreAnswered() throws IOException {
        DnsLocalResponder r = new DnsLocalResponder(new DnsConfig(Map.of("Printer.Lan.", Ipv4Address.parse("10.0.2.9")), true));
        Message m = parsed(ask(r, query("printer.lan.", Type.A, DClass.IN)));
        assertEquals("10.0.2.9", ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
        assertEquals(Rcode.REFUSED, parsed(ask(r, query("host.jslirp.internal.", Type.A, DClass.IN))).getRcode());
    }

    @Test
    void rdAndCdAreCopiedAndRaSet() throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("host.jslirp.internal."), Type.A, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        q.getHeader().setFlag(Flags.CD);
        Message r = parsed(ask(open, q.toWire()));
        assertFalse(r.getHeader().getFlag(Flags.RD));
        assertTrue(r.getHeader().getFlag(Flags.CD));
        assertTrue(r.getHeader().getFlag(Flags.RA));
    }

    @Test
    void responsesFromTheGuestAreNeverAnswered() {
        byte[] q = fixture("dns-dig-a-host-noedns.hex");
        q[2] |= (byte) 0x80; // QR
        assertEquals(DnsLocalResponder.FORWARD, ask(open, q));
        assertEquals(DnsLocalResponder.DROP, ask(restricted, q));
        byte[] broken = Arrays.copyOf(q, 20); // unparseable and QR: no FORMERR either
        assertEquals(DnsLocalResponder.DROP, ask(restricted, broken));
    }

    @Test
    void otherOpcodesAreForwardedOrNotImplemented() throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("host.jslirp.internal."), Type.SOA, DClass.IN));
        q.getHeader().setOpcode(Opcode.NOTIFY);
        assertEquals(DnsLocalResponder.FORWARD, ask(open, q.toWire()));
        Message r = parsed(ask(restricted, q.toWire()));
        assertEquals(Rcode.NOTIMP, r.getRcode());
        assertEquals(Opcode.NOTIFY, r.getHeader().getOpcode());
    }

    @Test
    void twoQuestionsAreFormerrInRestrictedMode() throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("host.jslirp.internal."), Type.A, DClass.IN));
        q.addRecord(Record.newRecord(Name.fromString("example.com."), Type.A, DClass.IN), Section.QUESTION);
        assertEquals(DnsLocalResponder.FORWARD, ask(open, q.toWire()));
        Message r = parsed(ask(restricted, q.toWire()));
        assertEquals(Rcode.FORMERR, r.getRcode());
        assertEquals(0, r.getHeader().getCount(Section.QUESTION));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns-dig-a-host-noedns.hex", "dns-dig-aaaa-host-edns.hex", "dns-dig-a-example-noedns.hex"})
    void everyTruncationIsForwardedOpenAndFormerrOrDroppedRestricted(String name) {
        byte[] full = fixture(name);
        for (int n = 0; n < full.length; n++) {
            byte[] prefix = Arrays.copyOf(full, n);
            int o = open.answer(ByteBuffer.wrap(prefix), 0, n, reply, 0);
            assertEquals(DnsLocalResponder.FORWARD, o, "open, prefix " + n);
            int r = restricted.answer(ByteBuffer.wrap(prefix), 0, n, reply, 0);
            if (n < 12) {
                assertEquals(DnsLocalResponder.DROP, r, "restricted, prefix " + n);
            } else {
                assertEquals(12, r, "restricted, prefix " + n);
                // FORMERR keeping ID, RD: flags 0x8181 (QR RD RA, rcode 1), all counts 0
                assertEquals(HexFormat.of().formatHex(full, 0, 2) + "818100000000" + "00000000", replyHex(12));
            }
        }
    }

    @Test
    void smallReplyBufferTruncatesWithTc() throws IOException {
        ByteBuffer small = ByteBuffer.allocate(30);
        byte[] q = fixture("dns-dig-a-host-noedns.hex");
        int n = open.answer(ByteBuffer.wrap(q), 0, q.length, small, 0);
        assertTrue(n > 0 && n <= 30);
        Message r = new Message(Arrays.copyOf(small.array(), n));
        assertTrue(r.getHeader().getFlag(Flags.TC));
    }

    @Property(tries = 2000)
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 300) byte[] bytes) {
        ByteBuffer out = ByteBuffer.allocate(600);
        int o = open.answer(ByteBuffer.wrap(bytes), 0, bytes.length, out, 0);
        int r = restricted.answer(ByteBuffer.wrap(bytes), 0, bytes.length, out, 0);
        assertTrue(o >= -1 && r >= 0);
    }

    @Property(tries = 1000)
    void arbitraryBytesAfterARealHeaderNeverThrow(@ForAll @Size(max = 100) byte[] tail) {
        byte[] b = Arrays.copyOf(fixture("dns-dig-a-host-noedns.hex"), 12 + tail.length);
        System.arraycopy(tail, 0, b, 12, tail.length);
        ByteBuffer out = ByteBuffer.allocate(600);
        open.answer(ByteBuffer.wrap(b), 0, b.length, out, 0);
        assertTrue(restricted.answer(ByteBuffer.wrap(b), 0, b.length, out, 0) >= 0);
    }
}
