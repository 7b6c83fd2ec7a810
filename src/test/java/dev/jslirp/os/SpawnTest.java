package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpawnTest {
    private final ByteBuffer buf = ByteBuffer.allocateDirect(4096);

    /** Reads until end of stream (bounded by a deadline), as a string. */
    private String readAll(int fd) {
        StringBuilder sb = new StringBuilder();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            int r = Sys.read(fd, buf, 0, buf.capacity());
            if (r == 0) return sb.toString();
            if (r == -Errno.EAGAIN) {
                Sys.poll(fd, Sys.POLLIN, 1000);
                continue;
            }
            assertTrue(r > 0, () -> Errno.name(r));
            byte[] b = new byte[r];
            buf.get(0, b);
            sb.append(new String(b, StandardCharsets.UTF_8));
        }
        return fail("no end of stream: " + sb);
    }

    @Test
    void childGetsSocketpairEndAsFd3AndNothingElseLeaks() {
        int[] p = new int[2];
        assertEquals(0, Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0, p));
        try {
            // The child echoes $0 to fd 3 and lists its descriptors (ls runs as a child of
            // sh, so it sees sh's fds 0,1,2,3 plus its own directory handle).
            int pid = Spawn.spawn(Spawn.Request.of("sh",
                    List.of("sh", "-c", "echo \"$0\" >&3; ls /proc/self/fd >&3", "hello-from-child"))
                    .withFd(3, p[1]));
            Sys.close(p[1]);
            String out = readAll(p[0]);
            assertTrue(out.startsWith("hello-from-child\n"), out);
            List<String> fds = List.of(out.substring("hello-from-child\n".length()).trim().split("\\s+"));
            assertTrue(fds.containsAll(List.of("0", "1", "2", "3")), out);
            assertTrue(fds.size() <= 5, "descriptors leaked into the child: " + fds);
            int status = Spawn.waitpid(pid, 0);
            assertTrue(WaitStatus.exited(status));
            assertEquals(0, WaitStatus.exitStatus(status));
        } finally {
            Sys.close(p[0]);
        }
    }

    @Test
    void swappedMappingsDoNotClobberEachOther() {
        int[] a = new int[2], b = new int[2];
        assertEquals(0, Sys.pipe2(a, Sys.O_CLOEXEC));
        assertEquals(0, Sys.pipe2(b, Sys.O_CLOEXEC));
        try {
            // Whatever numbers the write ends have, the child's 4 is a's and 3 is b's.
            int pid = Spawn.spawn(Spawn.Request.of("/bin/sh", List.of("sh", "-c", "echo A >&4; echo B >&3"))
                    .withFd(4, a[1]).withFd(3, b[1]));
            Sys.close(a[1]);
            Sys.close(b[1]);
            assertEquals("A\n", readAll(a[0]));
            assertEquals("B\n", readAll(b[0]));
            assertEquals(0, WaitStatus.shellCode(Spawn.waitpid(pid, 0)));
        } finally {
            Sys.close(a[0]);
            Sys.close(b[0]);
        }
    }

    @Test
    void waitpidDecodesExitCodesSignalsAndNoHang() {
        int exits = Spawn.spawn(Spawn.Request.of("sh", List.of("sh", "-c", "exit 7")));
        int status = Spawn.waitpid(exits, 0);
        assertTrue(WaitStatus.exited(status));
        assertFalse(WaitStatus.signaled(status));
        assertEquals(7, WaitStatus.exitStatus(status));
        assertEquals("exited 7", WaitStatus.describe(status));

        int sleeper = Spawn.spawn(Spawn.Request.of("sleep", List.of("sleep", "30")).inNewProcessGroup());
        assertEquals(WaitStatus.NOT_YET, Spawn.waitpid(sleeper, Spawn.WNOHANG));
        assertEquals(0, Spawn.kill(sleeper, Spawn.SIGTERM));
        status = Spawn.waitpid(sleeper, 0);
        assertTrue(WaitStatus.signaled(status), WaitStatus.describe(status));
        assertEquals(Spawn.SIGTERM, WaitStatus.termSignal(status));
        assertEquals(128 + 15, WaitStatus.shellCode(status));
        assertEquals(-Errno.ECHILD, Spawn.waitpid(sleeper, 0));
        assertEquals(-Errno.ESRCH, Spawn.kill(sleeper, 0));
    }

    @Test
    void explicitEnvironmentAndMissingProgram() {
        int[] p = new int[2];
        assertEquals(0, Sys.pipe2(p, Sys.O_CLOEXEC));
        try {
            int pid = Spawn.spawn(Spawn.Request.of("/bin/sh", List.of("sh", "-c", "echo \"$JSLIRP_X\" >&3"))
                    .withEnv(List.of("JSLIRP_X=42", "PATH=/usr/bin:/bin")).withFd(3, p[1]));
            Sys.close(p[1]);
            assertEquals("42\n", readAll(p[0]));
            assertEquals(0, WaitStatus.shellCode(Spawn.waitpid(pid, 0)));
        } finally {
            Sys.close(p[0]);
        }
        NativeException e = assertThrows(NativeException.class,
                () -> Spawn.spawn(Spawn.Request.of("/nonexistent/jslirp-nope", List.of("nope"))));
        assertEquals(Errno.ENOENT, e.errno());
    }
}
