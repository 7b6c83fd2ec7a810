package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Connection churn: short connections (connect, one byte each way, the host closes first),
 * eight at a time. The guest reuses its ports at once, while the backend, having closed
 * first towards the guest, still holds the old connection in TIME-WAIT: a new SYN must
 * reopen it (RFC 6191), not be answered with a bare ACK that stalls the guest for a second.
 */
@Tag("e2e")
class ShortConnectionsE2eTest extends E2eTestBase {
    private static final String CHURN = """
            import socket, sys, threading
            port, per_thread, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
            ok = [0] * threads
            def worker(i):
                for _ in range(per_thread):
                    s = socket.create_connection(('10.0.2.2', port), timeout=5)
                    s.sendall(b'C')
                    if s.recv(1) == b'C' and s.recv(1) == b'':
                        ok[i] += 1
                    s.close()
            ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
            [t.start() for t in ts]
            [t.join() for t in ts]
            print('completed', sum(ok))
            """;

    @Test
    void eightInFlightShortConnectionsAllComplete() {
        HostServers servers = hostServers();
        int port = servers.replyAndClose();
        Guest guest = startGuest(BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN));
        long start = System.nanoTime();
        ExecResult r = guest.exec(Duration.ofSeconds(120), "python3", "-c", CHURN, Integer.toString(port), "150", "8");
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("1200 short connections, 8 in flight: " + ms + " ms");
        assertTrue(r.stdout().contains("completed 1200"), r + "\n" + guest.backend().describe());
    }
}
