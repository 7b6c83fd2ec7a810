package dev.jslirp.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jslirp.service.dns.DnsConfig;
import dev.jslirp.service.dns.DnsLocalResponder;
import java.nio.ByteBuffer;

/**
 * DNS queries into the local responder, open and restricted. A reply fits the room given
 * (512 bytes, or the EDNS size), and the result is a length, FORWARD or DROP.
 */
class DnsFuzzTest {
    private static final int GATEWAY = 0x0A000202;
    private static final DnsLocalResponder OPEN = new DnsLocalResponder(DnsConfig.defaults(GATEWAY));

    @FuzzTest(maxDuration = "10m")
    void dns(byte[] input) {
        ByteBuffer query = ByteBuffer.wrap(input);
        ByteBuffer reply = ByteBuffer.allocate(DnsLocalResponder.EDNS_PAYLOAD_SIZE);
        int n = OPEN.answer(query, 0, input.length, reply, 0);
        assertTrue(n == DnsLocalResponder.FORWARD || n >= 0 && n <= reply.capacity(), "bad result " + n);
        ByteBuffer small = ByteBuffer.allocate(DnsLocalResponder.MAX_PLAIN_REPLY_LENGTH);
        n = OPEN.answer(query, 0, input.length, small, 0);
        assertTrue(n == DnsLocalResponder.FORWARD || n >= 0 && n <= small.capacity(), "bad result " + n);
    }
}
