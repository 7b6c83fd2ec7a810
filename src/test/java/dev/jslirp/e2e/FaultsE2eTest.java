package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Faults from either side, each seen from the guest: a host peer that resets mid-transfer, a
 * host that black-holes the connect, and a guest that vanishes with flows open.
 */
@Tag("e2e")
class FaultsE2eTest extends E2eTestBase {
    private static final Duration T = Duration.ofSeconds(60);

    /**
     * Says "go", reads; after 128 KiB says "more" (the host resets on that, so the reset comes
     * mid-transfer); prints RESET or EOF and the bytes read.
     */
    private static final String READER = """
            import socket, sys
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
            s.sendall(b"g")
            n, asked = 0, False
            try:
                while True:
                    b = s.recv(65536)
                    if not b: print("EOF", n); break
                    n += len(b)
                    if n >= 131072 and not asked:
                        s.sendall(b"m"); asked = True
            except ConnectionResetError:
                print("RESET", n)
            """;

    @Test
    void hostPeerResetMidTransferResetsTheGuest() throws Exception {
        int resetAfter = 8 << 20;
        ServerSocket server = track(new ServerSocket(0, 8, HostServers.LOOPBACK));
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                s.getInputStream().read();                    // "go": the guest's connection is established
                OutputStream out = s.getOutputStream();
                Thread.ofVirtual().start(() -> {
                    try {
                        out.write(new byte[resetAfter]);
                    } catch (IOException e) {
                        // reset below
                    }
                });
                s.getInputStream().read();                    // "more": the guest has 128 KiB, mid-transfer
                s.setSoLinger(true, 0);   // close() now sends RST, not FIN
            } catch (IOException e) {
                // the test reports what the guest saw
            }
        });
        Guest guest = startGuest(BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN));
        ExecResult r = guest.exec(T, "python3", "-c", READER, Guest.GATEWAY, Integer.toString(server.getLocalPort()));
        System.out.println("[faults] host reset mid-transfer: guest saw " + r.stdout().strip());
        String[] words = r.assertOk().stdout().strip().split(" ");
        assertEquals("RESET", words[0], r::toString);
        long read = Long.parseLong(words[1]);
        assertTrue(read >= 131072 && read < resetAfter, r::toString);
        guest.backend().assertAlive();
    }

    @Test
    void blackHoledHostGivesTheGuestAnErrorAfterTheConnectTimeout() {
        OutsideHost outside = track(OutsideHost.create());   // 198.51.100.0/24 routed, .3 has nobody behind it
        Guest guest = track(Guest.start(new JslirpWithOptions(List.of("--tcp-connect-timeout", "2000")),
                BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN)));
        ExecResult r = guest.exec(T, "python3", "-c", """
                import socket, time, errno
                t = time.monotonic()
                try:
                    socket.create_connection(("198.51.100.3", 7001), timeout=30)
                    print("CONNECTED")
                except OSError as e:
                    print("ERROR", errno.errorcode.get(e.errno, e.errno), "%.1f" % (time.monotonic() - t))
                """);
        System.out.println("[faults] black hole: guest saw " + r.stdout().strip());
        String[] words = r.assertOk().stdout().strip().split(" ");
        assertEquals("ERROR", words[0], r::toString);
        assertTrue(words[1].equals("EHOSTUNREACH") || words[1].equals("ECONNREFUSED") || words[1].equals("ENETUNREACH"),
                r::toString);
        assertTrue(Double.parseDouble(words[2]) < 15, "took " + words[2] + " s");
        assertTrue(outside.netns() != null);
    }

    @Test
    void vanishedGuestsFlowsAreFreed() throws Exception {
        JslirpApi api = track(new JslirpApi());
        AtomicInteger accepted = new AtomicInteger();
        ServerSocket server = track(new ServerSocket(0, 64, HostServers.LOOPBACK));
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = track(server.accept());
                    accepted.incrementAndGet();
                    // Half of them stream towards the guest (retransmissions pending when it vanishes),
                    // half stay idle.
                    if (accepted.get() % 2 == 0) {
                        Thread.ofVirtual().start(() -> {
                            try (OutputStream out = s.getOutputStream()) {
                                byte[] chunk = new byte[16384];
                                while (true) out.write(chunk);
                            } catch (IOException e) {
                                // jslirp closed it: what we wait for
                            }
                        });
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        // Keep-alive after 3 s of guest silence (default 300 s), so the test is short.
        Guest guest = track(Guest.start(new JslirpWithOptions(List.of("--api-socket", api.path().toString(), "--tcp-keepalive", "3000")),
                BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN)));
        long pid = guest.backend().process().pid();
        int fdStart = JslirpApi.fdCount(pid);
        guest.spawn("python3", "-c", """
                import socket, sys, time
                socks = [socket.create_connection(("10.0.2.2", int(sys.argv[1]))) for _ in range(8)]
                print("open", flush=True)
                time.sleep(600)
                """, Integer.toString(server.getLocalPort()));
        Await.until(() -> accepted.get() == 8 && api.tcpFlows() == 8, T, "8 flows, have " + accepted);
        // The guest vanishes without a FIN: its link goes down first, so its kernel cannot say
        // goodbye, then its processes and namespace go.
        guest.exec(Duration.ofSeconds(10), "ip", "link", "set", "tap0", "down");
        guest.netns().close();
        long t0 = System.nanoTime();
        boolean exited = Await.poll(() -> !guest.backend().isAlive() || api.tcpFlows() == 0, Duration.ofSeconds(120));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String how = !guest.backend().isAlive() ? "jslirp exited (its tap is gone)" : "flows freed, fds " + fdStart + " -> "
                + JslirpApi.fdCount(pid);
        System.out.println("[faults] guest vanished with 8 flows: " + how + " after " + ms + " ms");
        assertTrue(exited, "flows still held 120 s after the guest vanished: " + api.execute("list_flows"));
    }

}
