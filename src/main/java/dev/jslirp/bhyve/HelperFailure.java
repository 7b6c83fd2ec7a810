package dev.jslirp.bhyve;

/**
 * The helper cannot go on: what the C helper would end with {@code err(status, ...)}. The message
 * is the text after the program name; the exit status is 1 except for configuration errors of
 * bhyve's own config.c (4), see contract spec §9.
 */
public final class HelperFailure extends Exception {
    private final int exitStatus;

    public HelperFailure(int exitStatus, String message) {
        super(message);
        this.exitStatus = exitStatus;
    }

    public HelperFailure(int exitStatus, String message, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() { return exitStatus; }
}
