package dev.jslirp.e2e;

import java.time.Duration;
import java.util.List;

/** What a finished command did. {@code timedOut} means we killed it at its deadline. */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr,
                         boolean timedOut, Duration elapsed) {

    public boolean ok() {
        return !timedOut && exitCode == 0;
    }

    /** Fails with the whole story (command, exit code, both streams) unless the command succeeded. */
    public ExecResult assertOk() {
        if (!ok()) throw new AssertionError("command failed: " + this);
        return this;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> " + (timedOut ? "TIMED OUT" : "exit " + exitCode)
                + " in " + elapsed.toMillis() + " ms\n--- stdout ---\n" + clip(stdout)
                + "\n--- stderr ---\n" + clip(stderr);
    }

    private static String clip(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 4000) + "...[" + s.length() + " chars]";
    }
}
