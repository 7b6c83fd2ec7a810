package dev.jslirp.host;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * One log line per interval for an event that a hostile guest can repeat at line rate (a cap
 * hit, a refused flow): the first occurrence is logged at once, later ones are counted and
 * reported with the next line. Without this a SYN flood would become a disk-filling log flood.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNs;
    private long nextNs;
    private boolean logged;
    private long suppressed;

    public RateLimitedLog(Logger log, long intervalNs) {
        this.log = log;
        this.intervalNs = intervalNs;
    }

    /** Logs {@code message} (pass a constant: it is not built per event) unless a line went out less than the interval ago. @return whether it was logged */
    public boolean warn(long nowNs, String message) {
        if (logged && nowNs - nextNs < 0) {
            suppressed++;
            return false;
        }
        logged = true;
        nextNs = nowNs + intervalNs;
        if (suppressed > 0) {
            log.log(Level.WARNING, message + " (" + suppressed + " similar events not logged)");
            suppressed = 0;
        } else {
            log.log(Level.WARNING, message);
        }
        return true;
    }

    /** Events counted but not logged since the last line. */
    public long suppressed() { return suppressed; }
}
