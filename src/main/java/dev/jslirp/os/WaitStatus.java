package dev.jslirp.os;

/** Decoders for waitpid(2) status words (the W* macros of sys/wait.h). */
public final class WaitStatus {
    private WaitStatus() {}

    /** {@link Spawn#waitpid} with WNOHANG: the child has not changed state. */
    public static final int NOT_YET = Integer.MIN_VALUE;

    public static boolean exited(int status) {
        return status >= 0 && (status & 0x7f) == 0;
    }

    public static int exitStatus(int status) {
        return (status >>> 8) & 0xff;
    }

    public static boolean signaled(int status) {
        return status >= 0 && ((byte) ((status & 0x7f) + 1) >> 1) > 0;
    }

    public static int termSignal(int status) {
        return status & 0x7f;
    }

    public static boolean stopped(int status) {
        return status >= 0 && (status & 0xff) == 0x7f;
    }

    /** A shell-like exit code: the exit status, or 128 + signal. */
    public static int shellCode(int status) {
        return exited(status) ? exitStatus(status) : signaled(status) ? 128 + termSignal(status) : -1;
    }

    public static String describe(int status) {
        if (status == NOT_YET) return "running";
        if (exited(status)) return "exited " + exitStatus(status);
        if (signaled(status)) return "killed by signal " + termSignal(status);
        if (stopped(status)) return "stopped by signal " + exitStatus(status);
        return "status 0x" + Integer.toHexString(status);
    }
}
