package dev.jslirp.splice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jslirp.os.Errno;
import dev.jslirp.os.Namespaces;
import dev.jslirp.os.Privileges;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The socket pool's sockets are made in the namespace it was started for: one of them can be
 * bound to an address that exists only there. Needs root and iproute2; skipped otherwise.
 */
class NamespaceSocketsTest {
    /** 192.0.2.77 (TEST-NET-1), on the namespace's loopback only. */
    private static final int ONLY_IN_NAMESPACE = 0xC000_024D;

    private final String netns = "jslirp-splice-" + ProcessHandle.current().pid();
    private int nsFd = -1;

    @BeforeEach
    void createNamespace() throws Exception {
        assumeTrue(Privileges.geteuid() == 0, "needs root");
        run("ip", "netns", "del", netns); // left over from a killed run, if any
        assumeTrue(run("ip", "netns", "add", netns).isEmpty(), "cannot make a network namespace");
        assertEquals("", run("ip", "-n", netns, "addr", "add", "192.0.2.77/32", "dev", "lo"));
        assertEquals("", run("ip", "-n", netns, "link", "set", "lo", "up"));
        nsFd = Namespaces.open("/run/netns/" + netns);
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (nsFd >= 0) Sys.close(nsFd);
        if (Privileges.geteuid() == 0) run("ip", "netns", "del", netns);
    }

    @Test
    void socketsBelongToTheNamespaceAndArriveAsTheyAreTaken() {
        try (NamespaceSockets pool = NamespaceSockets.start(nsFd)) {
            // More than the pool holds: the rest are made while we take.
            for (int i = 0; i < NamespaceSockets.POOL_SIZE * 3; i++) {
                int s = pool.take();
                assertTrue(s >= 0, () -> "take: " + Errno.name(-s));
                try {
                    assertEquals(1, Sys.isNonBlocking(s));
                    assertEquals(1, Sockets.getsockopt(s, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY));
                    assertEquals(0, Sockets.bindInet(s, ONLY_IN_NAMESPACE, 0), "bind to the namespace's own address");
                } finally {
                    Sys.close(s);
                }
            }
        }
        int here = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
        try {
            assertEquals(-Errno.EADDRNOTAVAIL, Sockets.bindInet(here, ONLY_IN_NAMESPACE, 0), "not an address out here");
        } finally {
            Sys.close(here);
        }
    }

    @Test
    void closeEmptiesThePoolAndTakeFailsAfterwards() {
        NamespaceSockets pool = NamespaceSockets.start(nsFd);
        pool.close();
        assertEquals(0, pool.available());
        assertTrue(pool.take() < 0);
    }

    @Test
    void aDescriptorThatIsNotANamespaceIsRefusedAtStart() {
        int notANamespace = Sys.eventfd(0, Sys.EFD_CLOEXEC);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> NamespaceSockets.start(notANamespace));
            assertTrue(e.getMessage().contains("cannot enter the guest's network namespace"), e.getMessage());
        } finally {
            Sys.close(notANamespace);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
