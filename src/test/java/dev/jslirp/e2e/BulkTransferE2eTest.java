package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk TCP through the gateway to host loopback, each way, checked by SHA-256 of a
 * deterministic payload. Size: {@code -Djslirp.e2e.bulkMiB} (default 100). Prints throughput.
 */
@Tag("e2e")
class BulkTransferE2eTest extends E2eTestBase {
    private static final long LENGTH = Long.getLong("jslirp.e2e.bulkMiB", 100) * 1024 * 1024;
    private static final Duration T = Duration.ofSeconds(150);

    @TempDir Path tmp;

    @Test
    void hostToGuest() {
        HostServers servers = hostServers();
        int port = servers.blob(LENGTH, 42);
        String expected = HostServers.blobSha256(LENGTH, 42);
        Guest guest = startGuest(BackendOptions.configured());
        ExecResult r = guest.sh(T, "busybox nc " + Guest.GATEWAY + " " + port + " </dev/null | busybox sha256sum");
        assertEquals(expected + "  -", r.assertOk().stdout().trim(), r::toString);
        report("host->guest", r.elapsed());
    }

    @Test
    void guestToHost() {
        HostServers servers = hostServers();
        HostServers.Sink sink = servers.sink();
        Path payload = tmp.resolve("payload");
        HostServers.writeBlob(payload, LENGTH, 43);
        Guest guest = startGuest(BackendOptions.configured());
        ExecResult r = guest.netns().execWithInput(T, payload,
                "busybox", "nc", Guest.GATEWAY, Integer.toString(sink.port()));
        r.assertOk();
        HostServers.Received got = sink.await(Duration.ofSeconds(10));
        assertEquals(LENGTH, got.length());
        assertEquals(HostServers.blobSha256(LENGTH, 43), got.sha256());
        report("guest->host", r.elapsed());
    }

    private static void report(String direction, Duration elapsed) {
        double seconds = elapsed.toNanos() / 1e9;
        System.out.println(String.format(Locale.ROOT, "[e2e] %s %s %d MiB in %.2f s (%.1f MiB/s)",
                backend.name(), direction, LENGTH >> 20, seconds, (LENGTH / 1048576.0) / seconds));
    }
}
