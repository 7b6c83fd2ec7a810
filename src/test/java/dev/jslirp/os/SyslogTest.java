package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class SyslogTest {
    @Test
    void formatsLikeGlibcSyslog() {
        Syslog log = new Syslog("jslirp", Syslog.LOG_DAEMON, "/nonexistent/log");
        assertEquals("<30>Mar  5 07:08:09 jslirp[42]: hello world",
                log.format(Syslog.LOG_INFO, "hello\nworld", LocalDateTime.of(2026, 3, 5, 7, 8, 9), 42));
        assertEquals("<27>Dec 13 17:08:09 jslirp[1]: x",
                log.format(Syslog.LOG_ERR, "x", LocalDateTime.of(2026, 12, 13, 17, 8, 9), 1));
    }

    @Test
    void sendsOneDatagramPerLineAndIsSilentWithoutADaemon() throws Exception {
        Path dir = Files.createTempDirectory("jslirp-syslog");
        Path socket = dir.resolve("log");
        try (UnixDatagram daemon = UnixDatagram.bind(socket.toString());
             Syslog log = new Syslog("jslirp-test", Syslog.LOG_USER, socket.toString())) {
            assertTrue(log.log(Syslog.LOG_WARNING, "guest link down"));
            assertTrue(Sys.poll(daemon.fd(), Sys.POLLIN, 5000) > 0);
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            int n = daemon.receive(buf, 0, 4096);
            byte[] b = new byte[n];
            buf.get(0, b);
            String line = new String(b, StandardCharsets.UTF_8);
            assertTrue(line.matches("<12>[A-Z][a-z]{2} [ 1-3][0-9] \\d\\d:\\d\\d:\\d\\d jslirp-test\\["
                    + ProcessHandle.current().pid() + "]: guest link down"), line);
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
        // The daemon is gone: dropped quietly.
        try (Syslog log = new Syslog("jslirp-test", Syslog.LOG_USER, socket.toString())) {
            assertFalse(log.log(Syslog.LOG_ERR, "nobody listens"));
        }
    }
}
