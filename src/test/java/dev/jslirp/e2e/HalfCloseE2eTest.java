package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP half-close (RFC 9293 §3.6): the guest shuts down its sending side after its request,
 * the host peer sees EOF, and its reply still reaches the guest on the open direction.
 */
@Tag("e2e")
class HalfCloseE2eTest extends E2eTestBase {
    private static final long LENGTH = 256 * 1024;

    @TempDir Path tmp;

    @Test
    void guestShutdownWriteStillReadsReply() {
        HostServers servers = hostServers();
        int port = servers.halfClose();
        Path payload = tmp.resolve("payload");
        HostServers.writeBlob(payload, LENGTH, 7);
        Guest guest = startGuest(BackendOptions.configured());
        // socat: on stdin EOF shutdown(SHUT_WR), then keep reading for up to -t seconds.
        ExecResult r = guest.netns().execWithInput(Duration.ofSeconds(30), payload,
                "socat", "-t", "15", "-T", "20", "-", "TCP4:" + Guest.GATEWAY + ":" + port);
        assertEquals(HostServers.halfCloseReply(LENGTH, HostServers.blobSha256(LENGTH, 7)), r.assertOk().stdout(),
                r::toString);
    }

    @Test
    void busyboxNcHalfClosesOnStdinEof() {
        HostServers servers = hostServers();
        int port = servers.halfClose();
        Path payload = tmp.resolve("payload");
        HostServers.writeBlob(payload, LENGTH, 8);
        Guest guest = startGuest(BackendOptions.configured());
        ExecResult r = guest.netns().execWithInput(Duration.ofSeconds(30), payload,
                "busybox", "nc", Guest.GATEWAY, Integer.toString(port));
        assertEquals(HostServers.halfCloseReply(LENGTH, HostServers.blobSha256(LENGTH, 8)), r.assertOk().stdout(),
                r::toString);
    }
}
