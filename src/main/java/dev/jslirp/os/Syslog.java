package dev.jslirp.os;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Logging to the local syslog daemon the way glibc's syslog(3) does: one RFC 3164 line
 * {@code <PRI>Mmm dd hh:mm:ss ident[pid]: message} per datagram to the /dev/log unix socket
 * (no hostname: the local daemon adds it). Without a daemon (no socket, or it refuses) the
 * line is dropped silently and we retry connecting now and then. Not for per-packet use:
 * it allocates the line.
 */
public final class Syslog implements AutoCloseable {
    public static final int LOG_EMERG = 0, LOG_ALERT = 1, LOG_CRIT = 2, LOG_ERR = 3,
            LOG_WARNING = 4, LOG_NOTICE = 5, LOG_INFO = 6, LOG_DEBUG = 7;
    public static final int LOG_USER = 1 << 3, LOG_DAEMON = 3 << 3;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);
    private static final int MAX_LINE = 2048;

    private final String ident;
    private final int facility;
    private final UnixSockAddr target;
    private final String path;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(MAX_LINE);
    private int fd = -1;

    /** openlog(ident, LOG_PID, facility) towards /dev/log. */
    public Syslog(String ident, int facility) {
        this(ident, facility, Abi.SYSLOG_PATH);
    }

    /** The same, towards another socket path (tests bind their own). */
    public Syslog(String ident, int facility, String socketPath) {
        this.ident = ident;
        this.facility = facility;
        this.path = socketPath;
        this.target = UnixSockAddr.of(socketPath);
    }

    /** The line sent for {@code message} (exposed for tests). */
    String format(int severity, String message, LocalDateTime time, int pid) {
        return "<" + (facility | (severity & 7)) + ">" + STAMP.format(time) + " " + ident + "[" + pid + "]: "
                + message.replace('\n', ' ');
    }

    /** Sends one line. Returns true if the daemon took it. */
    public synchronized boolean log(int severity, String message) {
        String line = format(severity, message, LocalDateTime.now(ZoneId.systemDefault()), Privileges.getpid());
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, MAX_LINE);
        buf.clear();
        buf.put(0, bytes, 0, length);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (fd < 0 && !connect()) return false;
            int r = Sockets.send(fd, buf, 0, length, Abi.MSG_DONTWAIT | Abi.MSG_NOSIGNAL);
            if (r >= 0) return true;
            if (r == -Abi.EAGAIN) return false; // daemon busy: drop rather than block the loop
            disconnect(); // daemon restarted (ECONNREFUSED, ENOTCONN): reconnect once
        }
        return false;
    }

    private boolean connect() {
        int s = Sockets.socket(Abi.AF_UNIX, Abi.SOCK_DGRAM | Sockets.NONBLOCK_CLOEXEC, 0);
        if (s < 0) return false;
        if (Sockets.connect(s, target) < 0) {
            Sys.close(s);
            return false;
        }
        fd = s;
        return true;
    }

    private void disconnect() {
        if (fd >= 0) Sys.close(fd);
        fd = -1;
    }

    @Override
    public synchronized void close() {
        disconnect();
    }

    @Override
    public String toString() {
        return "syslog " + ident + " -> " + path;
    }
}
