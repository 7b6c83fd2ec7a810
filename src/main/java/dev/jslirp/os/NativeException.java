package dev.jslirp.os;

/**
 * A start-up operation failed (opening a tap, entering a namespace, spawning a program).
 *
 * <p>The rule in this package: per-packet and event-loop calls return {@code -errno} and
 * never throw for an OS error; one-off set-up calls throw this, with the operation, the
 * errno name and {@code strerror} text in the message, so the CLI can print one clear line.
 */
public final class NativeException extends RuntimeException {
    private final int errno;

    public NativeException(String operation, int errno) {
        super(operation + ": " + Errno.strerror(errno) + " (" + Errno.name(errno) + ")");
        this.errno = errno;
    }

    /** Throws for a negative {@code -errno} result, else returns it. */
    public static int check(String operation, int result) {
        if (result < 0) throw new NativeException(operation, -result);
        return result;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
