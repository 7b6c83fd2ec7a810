package dev.jslirp.service.dns;

import dev.jslirp.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Answers DNS queries for the names jslirp owns, before the query is NAT'd to the upstream.
 *
 * <h2>Theory of operation</h2>
 * The interface layer passes every UDP payload the guest sends to the DNS address, port 53.
 * {@link #answer} returns one of three outcomes:
 * <ul>
 *   <li>{@code > 0}: a reply of that length is in the reply buffer; send it back from DNS:53.
 *   <li>{@link #FORWARD} ({@code -1}): not ours; forward the query unchanged (open mode only).
 *   <li>{@link #DROP} ({@code 0}): say nothing (restricted mode: no readable header, or a
 *       response rather than a query).
 * </ul>
 * For a name of ours (exact match, any letter case, class IN or ANY) we are the authority
 * (AA set): type A or ANY gets the configured address; every other type gets NOERROR with an
 * empty answer ("NODATA", RFC 2308 §2.2), never NXDOMAIN, since the name exists and NXDOMAIN
 * would make resolvers drop the A record too (RFC 8020). Other names: forwarded in open mode;
 * REFUSED in restricted mode (RFC 1035 §4.1.1 "refuses to perform the specified operation for
 * policy reasons"): we never invent NXDOMAIN for a name that may well exist.
 *
 * <p>A query dnsjava cannot parse goes upstream unchanged in open mode (the upstream judges it,
 * exactly as if we were not here); in restricted mode it gets FORMERR if its 12-byte header is
 * readable, else nothing. A reply keeps the query's ID, opcode, RD and CD bits and question,
 * sets RA (the upstream recurses for the guest), and carries an OPT record when the query had
 * one (RFC 6891 §7). EDNS options such as cookies are not echoed (RFC 7873 §5.2: a server
 * that does not implement cookies ignores them).
 *
 * <p>This is not the per-packet hot path (a guest sends few DNS queries next to its data), so
 * it allocates: dnsjava parses into objects.
 */
public final class DnsLocalResponder {
    public static final int FORWARD = -1;
    public static final int DROP = 0;
    /** TTL of our answers: short, so a changed configuration shows quickly. */
    public static final long LOCAL_TTL_SECONDS = 60;
    /** The UDP payload size we advertise in our OPT records (RFC 9715 recommends 1232 or less). */
    public static final int EDNS_PAYLOAD_SIZE = 1232;
    /** RFC 1035 §4.2.1: replies without EDNS fit in 512 bytes. */
    public static final int MAX_PLAIN_REPLY_LENGTH = 512;

    private static final int HEADER_LENGTH = 12;

    private final DnsConfig config;
    private final Map<Name, Integer> names;
    private long answered, refused, formErrors, forwarded, dropped;

    public DnsLocalResponder(DnsConfig config) {
        this.config = config;
        this.names = new HashMap<>();
        for (Map.Entry<String, Integer> e : config.localNames().entrySet()) {
            try {
                names.put(Name.fromString(e.getKey(), Name.root), e.getValue());
            } catch (TextParseException ex) {
                throw new IllegalStateException("DnsConfig accepted an invalid name " + e.getKey(), ex);
            }
        }
    }

    public DnsConfig config() { return config; }

    /**
     * Decides about one query from the guest.
     *
     * @param query    buffer with the UDP payload (untrusted; read only, absolute gets)
     * @param off      where it starts
     * @param len      its length
     * @param reply    where a reply is written; {@link #MAX_PLAIN_REPLY_LENGTH} bytes from
     *                 {@code replyOff} always suffice, {@link #EDNS_PAYLOAD_SIZE} when the query
     *                 has an OPT record; if there is less room the reply is truncated (TC set)
     * @param replyOff where the reply starts
     * @return the reply length, {@link #FORWARD} or {@link #DROP}
     */
    public int answer(ByteBuffer query, int off, int len, ByteBuffer reply, int replyOff) {
        if (len < HEADER_LENGTH || off < 0 || len > query.limit() - off) {
            return notOurs(config.restricted() ? DROP : FORWARD); // no header: nothing to answer with
        }
        byte[] bytes = new byte[len];
        query.get(off, bytes);
        Message msg;
        try {
            msg = new Message(bytes);
        } catch (Exception e) { // IOException for bad wire data; dnsjava may throw unchecked ones too
            if (!config.restricted()) return notOurs(FORWARD);
            return formErr(bytes, reply, replyOff);
        }
        Header header = msg.getHeader();
        if (header.getFlag(Flags.QR)) {
            // A response from the guest: not a question for anyone. Never answer it (no loops).
            return notOurs(config.restricted() ? DROP : FORWARD);
        }
        Record question = msg.getQuestion();
        if (header.getOpcode() != Opcode.QUERY || header.getCount(Section.QUESTION) != 1 || question == null) {
            if (!config.restricted()) return notOurs(FORWARD);
            // RFC 1035 §4.1.1: NOTIMP for an opcode we don't do; RFC 9619: QUERY has one question.
            return respond(msg, header.getOpcode() != Opcode.QUERY ? Rcode.NOTIMP : Rcode.FORMERR, false, null, reply, replyOff);
        }
        Integer address = lookup(question);
        if (address == null) {
            if (!config.restricted()) return notOurs(FORWARD);
            refused++;
            return respond(msg, Rcode.REFUSED, false, null, reply, replyOff);
        }
        answered++;
        int type = question.getType();
        Record a = null;
        if (type == Type.A || type == Type.ANY) {
            a = new ARecord(question.getName(), DClass.IN, LOCAL_TTL_SECONDS, Ipv4Address.toInetAddress(address));
        }
        return respond(msg, Rcode.NOERROR, true, a, reply, replyOff);
    }

    /** Our address for the question's name, or null if the name is not ours. */
    private Integer lookup(Record question) {
        int dclass = question.getDClass();
        if (dclass != DClass.IN && dclass != DClass.ANY) return null;
        return names.get(question.getName()); // Name equality ignores letter case (RFC 4343)
    }

    private int respond(Message query, int rcode, boolean authoritative, Record answer, ByteBuffer reply, int replyOff) {
        Header q = query.getHeader();
        Message r = new Message(q.getID());
        Header h = r.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(q.getOpcode());
        h.setRcode(rcode);
        if (q.getFlag(Flags.RD)) h.setFlag(Flags.RD);
        if (q.getFlag(Flags.CD)) h.setFlag(Flags.CD); // RFC 6840 §5.9
        h.setFlag(Flags.RA);
        if (authoritative) h.setFlag(Flags.AA);
        Record question = query.getQuestion();
        if (question != null && q.getCount(Section.QUESTION) == 1) r.addRecord(question, Section.QUESTION);
        if (answer != null) r.addRecord(answer, Section.ANSWER);
        OPTRecord opt = query.getOPT();
        int limit = MAX_PLAIN_REPLY_LENGTH;
        if (opt != null) {
            r.addRecord(new OPTRecord(EDNS_PAYLOAD_SIZE, 0, 0), Section.ADDITIONAL);
            limit = Math.max(MAX_PLAIN_REPLY_LENGTH, Math.min(opt.getPayloadSize(), EDNS_PAYLOAD_SIZE));
        }
        limit = Math.min(limit, reply.capacity() - replyOff);
        byte[] wire = r.toWire(limit); // sets TC and drops records that don't fit (RFC 2181 §9)
        if (wire.length > limit) return notOurs(DROP); // not even the header fits: the caller's buffer is too small
        reply.put(replyOff, wire);
        return wire.length;
    }

    /** FORMERR built from the raw header alone (the rest did not parse): ID, opcode and RD kept, no sections. */
    private int formErr(byte[] query, ByteBuffer reply, int replyOff) {
        if ((query[2] & 0x80) != 0) return notOurs(DROP); // QR set: a response, never answered
        if (reply.capacity() - replyOff < HEADER_LENGTH) return notOurs(DROP);
        formErrors++;
        int flags = ((query[2] & 0xFF) << 8) | (query[3] & 0xFF);
        int opcode = (flags >>> 11) & 0xF;
        int rd = flags & 0x0100;
        int newFlags = 0x8000 | (opcode << 11) | rd | 0x0080 /* RA */ | Rcode.FORMERR;
        reply.put(replyOff, query[0]);
        reply.put(replyOff + 1, query[1]);
        reply.putShort(replyOff + 2, (short) newFlags);
        for (int i = 4; i < HEADER_LENGTH; i++) reply.put(replyOff + i, (byte) 0);
        return HEADER_LENGTH;
    }

    private int notOurs(int outcome) {
        if (outcome == FORWARD) forwarded++;
        else dropped++;
        return outcome;
    }

    public long answered() { return answered; }
    public long refused() { return refused; }
    public long formErrors() { return formErrors; }
    public long forwarded() { return forwarded; }
    public long dropped() { return dropped; }
}
