package dev.jslirp.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.TimeZone;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * java.util.logging records to stderr, one line each: {@code 10:28:40.282 jslirp INFO
 * jslirp.tcp: message}, then the stack trace of a thrown exception, if any.
 *
 * <p>Not ConsoleHandler with SimpleFormatter, which print the same: making those two cost
 * ~18 ms of start-up (SimpleFormatter checks its format string by formatting a date with
 * java.util.Formatter and java.time, ConsoleHandler sets up a charset writer), and the first
 * line they print costs as much again. Here the time of day is a few divisions.
 */
final class StderrHandler extends Handler {
    /** The local time zone, looked up at the first line (it reads the zone database). */
    private TimeZone zone;

    @Override
    public synchronized void publish(LogRecord record) {
        if (!isLoggable(record)) return;
        StringBuilder line = new StringBuilder(96);
        long millis = record.getMillis();
        if (zone == null) zone = TimeZone.getDefault();
        long local = Math.floorMod(millis + zone.getOffset(millis), 86_400_000L);
        twoDigits(line, (int) (local / 3_600_000)).append(':');
        twoDigits(line, (int) (local / 60_000 % 60)).append(':');
        twoDigits(line, (int) (local / 1000 % 60)).append('.');
        int ms = (int) (local % 1000);
        line.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
        line.append(" jslirp ").append(record.getLevel().getName()).append(' ')
                .append(record.getLoggerName()).append(": ").append(message(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace);
        } else {
            line.append(System.lineSeparator());
        }
        System.err.print(line);
        System.err.flush();
    }

    /** The message with its {0}-style parameters filled in, as the JDK's formatters do. */
    private static String message(LogRecord record) {
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        if (message == null || parameters == null || parameters.length == 0 || !message.contains("{")) {
            return message;
        }
        try {
            return java.text.MessageFormat.format(message, parameters);
        } catch (IllegalArgumentException e) {
            return message;
        }
    }

    private static StringBuilder twoDigits(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    @Override
    public void flush() { System.err.flush(); }

    @Override
    public void close() { flush(); }
}
