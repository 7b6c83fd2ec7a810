package dev.jslirp.cli;

import dev.jslirp.os.Syslog;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * java.util.logging records to the local syslog daemon, one line each, prefixed with the VM name
 * once it is known. Used by the bhyve helper mode, whose stdio is /dev/null (as the C helper's
 * is): without this its diagnostics would vanish.
 */
final class SyslogHandler extends Handler {
    private final Syslog syslog;
    private volatile String prefix = "";

    SyslogHandler(Syslog syslog) {
        this.syslog = syslog;
    }

    /** Every later line starts with {@code "vmName: "}. */
    void vmName(String vmName) {
        prefix = vmName + ": ";
    }

    /** Logs one line directly (start-up messages that must not depend on logger levels). */
    void log(int severity, String message) {
        syslog.log(severity, prefix + message);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) return;
        String message = record.getMessage();
        if (record.getThrown() != null) message = message + ": " + record.getThrown();
        syslog.log(severity(record.getLevel()), prefix + record.getLoggerName() + ": " + message);
    }

    static int severity(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) return Syslog.LOG_ERR;
        if (v >= Level.WARNING.intValue()) return Syslog.LOG_WARNING;
        if (v >= Level.INFO.intValue()) return Syslog.LOG_INFO;
        return Syslog.LOG_DEBUG;
    }

    @Override
    public void flush() { }

    @Override
    public void close() { syslog.close(); }
}
