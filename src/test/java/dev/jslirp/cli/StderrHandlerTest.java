package dev.jslirp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The log line format users and scripts see: local time of day, "jslirp", level, logger, message. */
class StderrHandlerTest {
    private static String publish(LogRecord record) {
        PrintStream saved = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            new StderrHandler().publish(record);
        } finally {
            System.setErr(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneLineWithTheLocalTimeOfDayToTheMillisecond() {
        long millis = 1_764_842_920_282L;
        LogRecord r = new LogRecord(Level.WARNING, "TCP: flow cap reached");
        r.setLoggerName("jslirp.tcp");
        r.setInstant(Instant.ofEpochMilli(millis));
        String time = LocalTime.ofInstant(Instant.ofEpochMilli(millis), ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
        assertEquals(time + " jslirp WARNING jslirp.tcp: TCP: flow cap reached" + System.lineSeparator(), publish(r));
    }

    @Test
    void parametersAreFilledInAndAThrownExceptionFollowsWithItsTrace() {
        LogRecord r = new LogRecord(Level.INFO, "forward {0} listens on {1}");
        r.setLoggerName("jslirp");
        r.setParameters(new Object[] {"tcp::0-:80", "40123"});
        r.setThrown(new IllegalStateException("boom"));
        String out = publish(r);
        assertTrue(out.contains(" jslirp INFO jslirp: forward tcp::0-:80 listens on 40123" + System.lineSeparator()
                + "java.lang.IllegalStateException: boom"), out);
        assertTrue(out.contains("\tat dev.jslirp.cli.StderrHandlerTest"), out);
    }

    @Test
    void recordsBelowTheHandlersLevelAreNotPrinted() {
        StderrHandler h = new StderrHandler();
        h.setLevel(Level.INFO);
        LogRecord r = new LogRecord(Level.FINE, "quiet");
        r.setLoggerName("jslirp");
        PrintStream saved = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            h.publish(r);
        } finally {
            System.setErr(saved);
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
