package dev.jslirp.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A long-running process (a server in a namespace, a backend) whose output is logged to
 * files we can read while it runs. {@link #close()} kills it and waits.
 */
public final class GuestProcess implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path dir;

    private GuestProcess(List<String> command, Process process, Path dir) {
        this.command = command;
        this.process = process;
        this.dir = dir;
    }

    public static GuestProcess start(List<String> command) {
        try {
            Path dir = Files.createTempDirectory("jslirp-e2e-proc");
            Process p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectError(dir.resolve("stderr").toFile())
                    .start();
            return new GuestProcess(List.copyOf(command), p, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public Process process() { return process; }
    public long pid() { return process.pid(); }
    public boolean isAlive() { return process.isAlive(); }
    public List<String> command() { return command; }
    public String stdout() { return read("stdout"); }
    public String stderr() { return read("stderr"); }

    /** A one-paragraph description for assertion messages. */
    public String describe() {
        return String.join(" ", command) + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
                + "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr();
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Override
    public void close() {
        Commands.kill(process, Duration.ofSeconds(5));
        Commands.deleteTree(dir);
    }
}
