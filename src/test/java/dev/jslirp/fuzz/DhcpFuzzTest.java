package dev.jslirp.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jslirp.service.dhcp.DhcpConfig;
import dev.jslirp.service.dhcp.DhcpServer;
import java.nio.ByteBuffer;

/**
 * DHCP messages (BOOTP payloads; several, each 2-byte length + bytes) into one server, so
 * sequences like DISCOVER, REQUEST, RELEASE, DECLINE reach the lease state machine. A reply
 * never exceeds the room given.
 */
class DhcpFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void dhcp(byte[] input) {
        DhcpServer server = new DhcpServer(DhcpConfig.defaults());
        ByteBuffer request = ByteBuffer.allocate(65535);
        ByteBuffer reply = ByteBuffer.allocate(DhcpServer.MAX_REPLY_LENGTH + 64);
        long now = 1_000_000_000_000L;
        if (input.length < 300) {
            once(server, request, reply, input, 0, input.length, now);
            return;
        }
        int pos = 0;
        while (pos + 2 <= input.length) {
            int len = Math.min(((input[pos] & 0xFF) << 8) | (input[pos + 1] & 0xFF), input.length - pos - 2);
            pos += 2;
            once(server, request, reply, input, pos, len, now);
            pos += len;
            now += 30_000_000_000L;
        }
    }

    private static void once(DhcpServer server, ByteBuffer request, ByteBuffer reply, byte[] input, int off, int len, long now) {
        request.clear();
        request.put(0, input, off, len);
        int n = server.handle(request, 0, len, 0x5254_0012_3456L, reply, 0, now);
        assertTrue(n <= DhcpServer.MAX_REPLY_LENGTH, "reply longer than the limit: " + n);
        if (n > 0) {
            server.replyDestination(reply, 0, n);
            server.replyDestinationMac(reply, 0, n);
        }
    }
}
