package dev.jslirp.e2e;

/** A running backend. {@link #close()} kills it and waits for it to exit. */
public final class BackendProcess implements AutoCloseable {
    private final String backendName;
    private final GuestProcess process;
    private final Runnable cleanup;

    public BackendProcess(String backendName, GuestProcess process, Runnable cleanup) {
        this.backendName = backendName;
        this.process = process;
        this.cleanup = cleanup;
    }

    public String backendName() { return backendName; }
    public Process process() { return process.process(); }
    public boolean isAlive() { return process.isAlive(); }

    /** Fails with the backend's output if it has exited: a dead backend explains most test failures. */
    public void assertAlive() {
        if (!process.isAlive()) throw new AssertionError(backendName + " exited: " + process.describe());
    }

    /** Command line, status and output so far, for failure messages. */
    public String describe() { return process.describe(); }

    /** Stops the backend (SIGTERM, then SIGKILL after a grace period) and returns what it printed. */
    public String stopAndCollectOutput() {
        Commands.kill(process.process(), java.time.Duration.ofSeconds(5));
        return process.describe();
    }

    @Override
    public void close() {
        try {
            process.close();
        } finally {
            cleanup.run();
        }
    }
}
