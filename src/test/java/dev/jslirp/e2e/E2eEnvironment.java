package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Can this machine run e2e tests at all? Tests skip (not fail) when it can't, saying why. */
public final class E2eEnvironment {
    private E2eEnvironment() {}

    public static void assumeUsable() {
        assumeTrue(isRoot(), "e2e tests need root (network namespaces, tap devices)");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "e2e tests need /dev/net/tun");
        assumeTools("/usr/sbin/ip", "/usr/bin/busybox", "/usr/bin/socat", "/usr/bin/ss");
    }

    /** Skips unless every binary exists. */
    public static void assumeTools(String... binaries) {
        for (String b : binaries) {
            assumeTrue(Files.isExecutable(Path.of(b)), b + " is not installed (see .ci/run for the Debian packages)");
        }
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");   // effective uid
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
