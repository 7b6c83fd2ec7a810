package dev.jslirp.e2e;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The guest: a fresh namespace whose tap0 is served by a backend process. Readiness is
 * polled, since the JDK cannot hand slirp4netns a {@code --ready-fd}: with --configure, until
 * tap0 is UP with 10.0.2.100/24; without, until tap0 exists (DHCP clients retry anyway).
 * A backend that dies while we wait fails at once with its output.
 */
public final class Guest implements AutoCloseable {
    public static final String GUEST_ADDRESS = "10.0.2.100";
    public static final String GATEWAY = "10.0.2.2";
    public static final String DNS = "10.0.2.3";
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(45); // generous: a loaded 2-core machine starts JVMs slowly
    /** A tap's operstate stays UNKNOWN; the UP flag in {@code <BROADCAST,UP,LOWER_UP>} is what --configure sets. */
    private static final java.util.regex.Pattern UP_FLAG = java.util.regex.Pattern.compile("[<,]UP[,>]");

    private final Netns netns;
    private final BackendProcess backend;

    private Guest(Netns netns, BackendProcess backend) {
        this.netns = netns;
        this.backend = backend;
    }

    public static Guest start(GuestBackend backendKind, BackendOptions options) {
        Netns ns = Netns.create();
        BackendProcess backend = null;
        try {
            backend = backendKind.start(ns.path(), options);
            Guest guest = new Guest(ns, backend);
            guest.awaitReady(options.configure());
            return guest;
        } catch (RuntimeException | AssertionError e) {
            if (backend != null) backend.close();
            ns.close();
            throw e;
        }
    }

    private void awaitReady(boolean configured) {
        Await.until(() -> {
            backend.assertAlive();
            ExecResult link = Commands.run(Duration.ofSeconds(5),
                    java.util.List.of("ip", "-n", netns.name(), "-4", "addr", "show", "dev", "tap0"));
            if (!link.ok()) return false;
            return !configured || UP_FLAG.matcher(link.stdout()).find()
                    && link.stdout().contains("inet " + GUEST_ADDRESS + "/24");
        }, READY_TIMEOUT, backend.backendName() + " to bring up tap0 in " + netns.name());
    }

    public Netns netns() { return netns; }
    public BackendProcess backend() { return backend; }
    public Path netnsPath() { return netns.path(); }

    public ExecResult exec(Duration timeout, String... cmd) { return netns.exec(timeout, cmd); }
    public ExecResult sh(Duration timeout, String script) { return netns.sh(timeout, script); }
    public GuestProcess spawn(String... cmd) { return netns.spawn(cmd); }

    /** Guest processes first (they may hold flows open), then the backend, then the namespace. */
    @Override
    public void close() {
        try {
            backend.close();
        } finally {
            netns.close();
        }
    }
}
