package dev.jslirp.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * jslirp itself, launched through the {@code jslirp} script at the repository root in the
 * slirp4netns form plus its own options: {@code --dns-upstream 127.0.0.1:PORT},
 * {@code --open}/{@code --restricted}, {@code --hostfwd RULES} (bhyve grammar joined with ';').
 * The launcher path can be overridden with {@code -Djslirp.e2e.jslirp=PATH}.
 */
public final class JslirpBackend implements GuestBackend {

    @Override public String name() { return "jslirp"; }

    static Path launcher() {
        String override = System.getProperty("jslirp.e2e.jslirp");
        if (override != null && !override.isBlank()) return Path.of(override);
        // Surefire sets basedir to the module root; fall back to the working directory.
        String base = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(base, "jslirp");
    }

    private static boolean built;

    /**
     * Builds the jar and trains the AOT cache now, as the launcher does on first use (a fresh
     * clone's tests run before Maven packages). For a test that starts jslirp under a limit the
     * build must not run under (a descriptor limit of 80 is too few for Maven).
     */
    static synchronized void ensureBuilt() throws java.io.IOException, InterruptedException {
        if (built) return;
        Process p = new ProcessBuilder(launcher().toString(), "--version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(launcher() + " --version did not finish in 10 minutes");
        }
        if (p.exitValue() != 0) throw new AssertionError(launcher() + " --version exited " + p.exitValue());
        built = true;
    }

    @Override
    public String unavailableReason() {
        Path launcher = launcher();
        return Files.isExecutable(launcher) ? null : launcher + " is missing or not executable";
    }

    @Override public boolean supportsDnsUpstream() { return true; }
    @Override public boolean supportsRestricted() { return true; }

    @Override
    public BackendProcess start(Path netnsPath, BackendOptions options) {
        List<String> cmd = new ArrayList<>(List.of(launcher().toString()));
        if (options.configure()) cmd.add("--configure");
        if (options.mtu() != 0) {
            cmd.add("--mtu");
            cmd.add(Integer.toString(options.mtu()));
        }
        if (options.disableHostLoopback()) cmd.add("--disable-host-loopback");
        if (options.dnsUpstream() != null) {
            cmd.add("--dns-upstream");
            cmd.add(options.dnsUpstream().getAddress().getHostAddress() + ":" + options.dnsUpstream().getPort());
        }
        switch (options.egress()) {
            case OPEN -> cmd.add("--open");
            case RESTRICTED -> cmd.add("--restricted");
            case DEFAULT -> { }
        }
        if (!options.hostForwards().isEmpty()) {
            cmd.add("--hostfwd");
            cmd.add(options.hostForwards().stream().map(HostForward::bhyveRule).collect(Collectors.joining(";")));
        }
        cmd.add("--netns-type=path");
        cmd.add(netnsPath.toString());
        cmd.add("tap0");
        return new BackendProcess(name(), GuestProcess.start(cmd), () -> { });
    }
}
