package dev.jslirp.service.dns;

import dev.jslirp.flow.EgressPolicy;
import dev.jslirp.wire.Ipv4Address;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Reads the answers the upstream resolver sends back through jslirp's DNS address and tells
 * the {@link EgressPolicy} which addresses each name had, and for how long (the record's TTL),
 * so {@code name=} egress rules can match them. Only answers to the guest's own queries pass
 * here, so a name is learned only when the guest asked jslirp for it.
 *
 * <p>Each A record is learned under its owner name and under the question's name (a CNAME
 * chain {@code www → cdn → A} lets {@code name=www} reach the final address). Bytes from the
 * upstream are not trusted: anything dnsjava cannot parse is ignored. One answer allocates
 * (DNS answers are rare next to the data they lead to).
 */
public final class DnsSnooper {
    private final EgressPolicy policy;
    public long answersSeen, answersUnparsable, addressesLearned;

    public DnsSnooper(EgressPolicy policy) { this.policy = policy; }

    /** One UDP payload from the upstream resolver. */
    public void onAnswer(ByteBuffer buf, int offset, int length, long nowNs) {
        if (!policy.wantsNames()) return;
        answersSeen++;
        byte[] wire = new byte[length];
        buf.get(offset, wire);
        Message m;
        try {
            m = new Message(wire);
        } catch (IOException | RuntimeException e) {
            answersUnparsable++;
            return;
        }
        if (!m.getHeader().getFlag(Flags.QR) || m.getRcode() != Rcode.NOERROR || m.getQuestion() == null) return;
        String question = m.getQuestion().getName().toString();
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a && a.getAddress() instanceof Inet4Address v4) {
                int addr = Ipv4Address.fromInetAddress(v4);
                policy.learn(r.getName().toString(), addr, r.getTTL(), nowNs);
                policy.learn(question, addr, r.getTTL(), nowNs);
                addressesLearned++;
            }
        }
    }
}
