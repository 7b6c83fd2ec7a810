package dev.jslirp.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs host commands with a hard deadline. Output goes to files, not pipes, so a chatty
 * command can never block on a full pipe while we wait for it to exit.
 */
public final class Commands {
    private Commands() {}

    /** Runs {@code command} to completion or kills it (and its children) at {@code timeout}. */
    public static ExecResult run(Duration timeout, List<String> command) {
        return run(timeout, command, null);
    }

    /** As {@link #run(Duration, List)}, with stdin read from {@code stdin} (null: /dev/null). */
    public static ExecResult run(Duration timeout, List<String> command, Path stdin) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jslirp-e2e-cmd");
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                                                 : ProcessBuilder.Redirect.from(stdin.toFile()));
            long startNs = System.nanoTime();
            Process p = pb.start();
            boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) kill(p, Duration.ofSeconds(5));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNs);
            return new ExecResult(List.copyOf(command), exited ? p.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                    !exited, elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        } finally {
            deleteTree(dir);
        }
    }

    /** Like {@link #run(Duration, List)} but fails unless the command exits 0. */
    public static ExecResult check(Duration timeout, String... command) {
        return run(timeout, List.of(command)).assertOk();
    }

    /** SIGTERM, then SIGKILL after {@code grace}; children first so none is orphaned. */
    public static void kill(Process p, Duration grace) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    static void deleteTree(Path dir) {
        if (dir == null) return;
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temp file is not worth failing a test over
        }
    }
}
