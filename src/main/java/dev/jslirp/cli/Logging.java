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
        Level level;
        try {
            level = Level.parse(levelName.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("jslirp: JSLIRP_LOG='" + levelName + "' is not a level (warning, info, fine); using info");
            level = Level.INFO;
        }
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
        // The JDK logs every Runtime.exit with a stack trace at FINE: not news for our users.
        Logger.getLogger("java.lang.Runtime").setLevel(Level.INFO);
    }
}
