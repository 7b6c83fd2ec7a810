package dev.jslirp.bhyve;

/**
 * The configuration bhyve sent cannot be used. Carries the exit status the C helper would end with
 * (contract spec §9): 4 for config.c's own errors (a bad boolean word), 1 for the helper's
 * (an unparsable hostfwd rule).
 */
public final class BhyveConfigException extends Exception {
    /** Status of the helper's own errors (err(1, ...)/errx(1, ...)). */
    public static final int EXIT_HELPER = 1;
    /** Status of bhyve's config.c errors (err(4, ...)/errx(4, ...)). */
    public static final int EXIT_CONFIG = 4;

    private final int exitStatus;

    public BhyveConfigException(int exitStatus, String message) {
        super(message);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() { return exitStatus; }
}
