package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jslirp out of descriptors (a hard limit of 80, more connections to a forward than it can
 * accept): the forward pauses instead of spinning on a listener accept() cannot serve, says
 * so once, and still exits cleanly. Before the pause this cost a whole core for as long as
 * the connections waited.
 */
@Tag("e2e")
class DescriptorExhaustionE2eTest {
    @Test
    void aForwardThatCannotAcceptDoesNotSpinTheLoop(@TempDir Path dir) throws Exception {
        int port = HostServers.closedPort();
        Path sock = dir.resolve("vm.sock");
        Path log = dir.resolve("jslirp.log");
        JslirpBackend.ensureBuilt(); // not under the limit below: Maven needs more than 80 descriptors
        Process jslirp = new ProcessBuilder("prlimit", "--nofile=80:80", JslirpBackend.launcher().toString(),
                "--socket", sock.toString(), "--dns-upstream", "127.0.0.1:9", "--hostfwd", "tcp:127.0.0.1:" + port + "-:80")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<Socket> clients = new ArrayList<>();
        try {
            // The banner comes after the forwards are bound (the QEMU socket exists before them).
            Await.until(() -> logContains(log, "serving QEMU stream"), Duration.ofSeconds(60),
                    () -> "jslirp serving, its forward bound (log: " + readLog(log) + ")");
            for (int i = 0; i < 120; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(HostServers.LOOPBACK, port), 2000);
                    clients.add(s);
                } catch (IOException e) {
                    s.close(); // the kernel's own backlog may fill too: enough are waiting
                }
            }
            Await.until(() -> logContains(log, "cannot accept forwarded connections"),
                    Duration.ofSeconds(10), () -> "the log line about the paused forward (" + clients.size()
                            + " clients connected; jslirp's log: " + readLog(log) + ")");
            long before = cpuTicks(jslirp.pid());
            Thread.sleep(2000); // a measuring interval, not synchronisation
            long ticks = cpuTicks(jslirp.pid()) - before;
            assertTrue(ticks < 50, "jslirp used " + ticks + " CPU ticks in 2 s with a forward it cannot serve (a spinning loop uses ~200)");
        } finally {
            for (Socket s : clients) s.close();
            jslirp.destroy();
            assertTrue(jslirp.waitFor(10, TimeUnit.SECONDS), "jslirp exits on SIGTERM");
        }
    }

    /** utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat;
        try (var in = Files.newInputStream(Path.of("/proc/" + pid + "/stat"))) {
            stat = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 counted from 3 (state)
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
