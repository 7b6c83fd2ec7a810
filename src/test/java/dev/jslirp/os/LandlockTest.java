package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Landlock can only be applied, never lifted, so it is tested in a child JVM
 * ({@link LandlockProbe}) rather than in the test JVM.
 */
class LandlockTest {
    @Test
    void abiVersionIsReportedOrAnErrno() {
        int abi = Landlock.abiVersion();
        assertTrue(abi >= 1 || abi == -Errno.ENOSYS || abi == -Errno.EOPNOTSUPP, Errno.name(abi));
    }

    @Test
    void fsRightsGrowWithTheAbi() {
        assertEquals(0x1fff, Landlock.fsRights(1));
        assertEquals(0x3fff, Landlock.fsRights(2));
        assertEquals(0x7fff, Landlock.fsRights(4));
        assertEquals(0xffff, Landlock.fsRights(6));
    }

    @Test
    void childWithNoFileAccessCannotOpenFilesAndBindsOnlyAllowedPort() throws Exception {
        int abi = Landlock.abiVersion();
        assumeTrue(abi >= 1, "kernel without Landlock: " + Errno.name(abi));
        int port = freePort();
        Map<String, String> out = runProbe(port);
        assertEquals("true", out.get("applied"), out.toString());
        assertEquals("errno 0", out.get("before"), out.toString());
        assertEquals("EACCES", out.get("after"), out.toString());
        if (abi >= 4) {
            assertEquals("1", out.get("net"), "only TCP bind is handled");
            assertEquals("errno 0", out.get("bindAllowed"), out.toString());
            assertEquals("EACCES", out.get("bindOther"), out.toString());
        }
    }

    private static int freePort() {
        int s = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
        try {
            assertEquals(0, Sockets.bindInet(s, Sockets.INADDR_LOOPBACK, 0));
            return Sockets.localPort(s);
        } finally {
            Sys.close(s);
        }
    }

    private static Map<String, String> runProbe(int port) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), LandlockProbe.class.getName(), Integer.toString(port)))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        Map<String, String> out = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        System.out.println("landlock probe: " + out.get("report"));
        return out;
    }
}
