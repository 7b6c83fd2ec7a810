package dev.jslirp.cli;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** One line per log record on stderr ({@link StderrHandler}), configured before anything logs. */
final class Logging {
    private Logging() {}

    private static final Logger RUNTIME_LOGGER = Logger.getLogger("java.lang.Runtime");

    static void configure(String levelName) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level;
        try {
            level = Level.parse(levelName.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("jslirp: JSLIRP_LOG='" + levelName + "' is not a level (warning, info, fine); using info");
            level = Level.INFO;
        }
        Handler handler = new StderrHandler();
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
        // The JDK logs every Runtime.exit with a stack trace at FINE: not news for our users.
        // Held in a field: java.util.logging keeps loggers weakly, and a collected one forgets its level.
        RUNTIME_LOGGER.setLevel(Level.INFO);
    }
}
