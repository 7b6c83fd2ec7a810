package dev.jslirp.cli;

/** A failure while setting up (a port that cannot be bound, a namespace that cannot be entered): message + exit status. */
public final class StartupException extends RuntimeException {
    private final int exitCode;

    public StartupException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public StartupException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
