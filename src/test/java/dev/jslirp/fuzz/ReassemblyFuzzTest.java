package dev.jslirp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jslirp.iface.Ipv4Reassembler;
import dev.jslirp.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * IPv4 fragments (2-byte length + IP packet, repeated; a 1-byte clock step before each) into
 * the reassembler with small limits. Properties: offer never throws, a completed datagram is a
 * valid unfragmented IPv4 packet within the output buffer, buffered bytes stay within the arena,
 * and after the timeout everything is freed.
 */
class ReassemblyFuzzTest {
    private static final ByteBuffer OUT = ByteBuffer.allocateDirect(65535);
    private static final ByteBuffer IN = ByteBuffer.allocateDirect(65535);

    @FuzzTest(maxDuration = "10m")
    void fragments(byte[] input) {
        Ipv4Reassembler r = new Ipv4Reassembler(new Ipv4Reassembler.Limits(4, 4 * Ipv4Reassembler.CHUNK_LENGTH, 65535,
                1_000_000_000L, 16));
        ByteBuffer out = OUT;
        ByteBuffer in = IN;
        Ipv4Packet ip = new Ipv4Packet();
        long now = 0;
        int pos = 0;
        while (pos + 3 <= input.length) {
            now += (input[pos++] & 0xFF) * 10_000_000L;
            int len = Math.min(((input[pos] & 0xFF) << 8) | (input[pos + 1] & 0xFF), input.length - pos - 2);
            pos += 2;
            in.clear();
            in.put(0, input, pos, len);
            pos += len;
            r.expire(now);
            ip.wrap(in, 0, len);
            if (!ip.checkLength() || !ip.isFragment()) continue;
            int n = r.offer(ip, now, out, 0);
            if (n > 0) {
                Ipv4Packet whole = new Ipv4Packet().wrap(out, 0, n);
                assertTrue(whole.checkLength(), "reassembled datagram does not parse");
                assertTrue(whole.verifyChecksum(), "reassembled header checksum");
                assertTrue(!whole.isFragment(), "reassembled datagram still a fragment");
                assertEquals(n, whole.totalLength());
            }
            assertTrue(r.bufferedBytes() <= 4 * Ipv4Reassembler.CHUNK_LENGTH, "arena overrun");
        }
        r.expire(now + 2_000_000_000L);
        assertEquals(0, r.datagramsInProgress());
        assertEquals(0, r.bufferedBytes());
    }
}
