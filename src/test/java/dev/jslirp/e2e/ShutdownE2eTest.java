package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SIGTERM and SIGINT: jslirp exits promptly and its forwarded host port can be bound again at once. */
@Tag("e2e")
class ShutdownE2eTest extends E2eTestBase {

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void signalShutsDownCleanlyAndReleasesForwardedPorts(String signal) throws Exception {
        int hostPort = HostServers.closedPort();
        Guest guest = startGuest(BackendOptions.configured().withHostForward(HostForward.tcp(hostPort, 8080)));
        Process jslirp = guest.backend().process();
        Await.until(() -> !canBind(hostPort), Duration.ofSeconds(10), "jslirp listening on " + hostPort);
        new ProcessBuilder("kill", "-" + signal, Long.toString(jslirp.pid())).inheritIO().start().waitFor();
        long start = System.nanoTime();
        assertTrue(jslirp.waitFor(5, TimeUnit.SECONDS), "jslirp still running 5 s after SIG" + signal);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(canBind(hostPort), "port " + hostPort + " still in use after jslirp exited (" + ms + " ms)");
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(HostServers.LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
