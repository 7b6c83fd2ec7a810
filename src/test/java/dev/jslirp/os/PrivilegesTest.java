package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrivilegesTest {
    @Test
    void idsMatchWhatTheJvmKnows() throws Exception {
        assertEquals(ProcessHandle.current().pid(), Privileges.getpid());
        int uid = Integer.parseInt(Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1]);
        assertEquals(uid, Privileges.getuid());
        assertEquals(uid, Privileges.geteuid());
        assertTrue(Privileges.getgid() >= 0);
    }

    @Test
    void getpwnamFindsRootAndNotNonsense() {
        Privileges.User root = Privileges.getpwnam("root").orElseThrow();
        assertEquals(0, root.uid());
        assertEquals(0, root.gid());
        assertEquals("/root", root.home());
        assertTrue(Privileges.getpwnam("no-such-user-jslirp").isEmpty());
    }

    @Test
    void noNewPrivsAndThreadNameApplyToTheCallingThreadOnly() throws Exception {
        assertEquals(0, Privileges.noNewPrivs());
        AtomicInteger inThread = new AtomicInteger(-1);
        AtomicInteger tid = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> comm = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            assertEquals(0, Privileges.setThreadName("jslirp-loop-long-name"));
            try {
                comm.set(Files.readString(Path.of("/proc/thread-self/comm")).trim());
            } catch (java.io.IOException e) {
                comm.set(e.toString());
            }
            Privileges.setNoNewPrivs();
            inThread.set(Privileges.noNewPrivs());
            tid.set(Privileges.gettid());
            Privileges.prctl(Privileges.PR_SET_NAME, 0, 0, 0, 0); // bad pointer -> -EFAULT, no crash
        });
        t.join();
        assertEquals(1, inThread.get());
        assertEquals("jslirp-loop-lon", comm.get(), "15 bytes, this thread only");
        assertEquals(0, Privileges.noNewPrivs(), "other threads unchanged");
        assertNotEquals(Privileges.getpid(), tid.get());
        assertEquals(-Errno.EINVAL, Privileges.prctl(-1, 0, 0, 0, 0));
    }

    @Test
    void closeRangeClosesOnlyTheRange() {
        int a = Sys.dupAtLeast(0, 700), b = Sys.dupAtLeast(0, 701), c = Sys.dupAtLeast(0, 702);
        assertTrue(a == 700 && b == 701 && c == 702, a + " " + b + " " + c);
        assertEquals(0, Privileges.closeRange(700, 700, false));
        assertEquals(-Errno.EBADF, Sys.isCloseOnExec(700));
        assertEquals(0, Sys.setCloseOnExec(701, false));
        assertEquals(0, Privileges.closeRange(701, 701, true));
        assertEquals(1, Sys.isCloseOnExec(701));
        assertEquals(0, Privileges.closeRange(701, 702, false));
        assertEquals(-Errno.EBADF, Sys.isCloseOnExec(701));
        assertEquals(-Errno.EBADF, Sys.isCloseOnExec(702));
    }
}
