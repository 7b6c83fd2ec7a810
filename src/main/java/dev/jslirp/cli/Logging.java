package dev.jslirp.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** One line per log record on stderr, "jslirp[LEVEL] logger: message", configured before anything logs. */
final class Logging {
    private Logging() {}

    static void configure(String levelName) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL jslirp %4$s %3$s: %5$s%6$s%n");
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level = Level.parse(levelName.toUpperCase(java.util.Locale.ROOT));
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
    }
}
