package dev.jslirp.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named network namespace made with {@code ip netns add}, for one test. Names are
 * {@code jslirp-e2e-<jvm pid>-<random>}: unique across runs, and a namespace whose JVM is
 * gone is recognisably stale, so {@link #create()} reaps those first (a crashed run must not
 * leave addresses behind that make the next run fail) without touching a live run's.
 *
 * <p>Inside it, {@code ip netns exec} bind-mounts {@code /etc/netns/NAME/resolv.conf} over
 * /etc/resolv.conf; we write one naming 127.0.0.1 so that no guest tool ever asks the host's
 * real resolvers (which point outside this machine) anything.
 */
public final class Netns implements AutoCloseable {
    public static final String PREFIX = "jslirp-e2e-";
    private static final Pattern OWNED = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-[0-9a-f]+");
    private static final AtomicBoolean REAPED = new AtomicBoolean();
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final List<GuestProcess> spawned = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    /** Creates a fresh namespace with loopback up. */
    public static Netns create() {
        if (REAPED.compareAndSet(false, true)) reapStale();
        String name = PREFIX + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000, 0x7fffffff));
        Commands.check(IP_TIMEOUT, "ip", "netns", "add", name);
        Netns ns = new Netns(name);
        try {
            Path etc = Path.of("/etc/netns", name);
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("resolv.conf"), "# jslirp e2e: never the host's resolvers\nnameserver 127.0.0.1\n");
            Commands.check(IP_TIMEOUT, "ip", "-n", name, "link", "set", "lo", "up");
        } catch (IOException e) {
            ns.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() { return name; }

    /** The bind-mounted namespace file, as passed to {@code --netns-type=path}. */
    public Path path() { return Path.of("/run/netns", name); }

    /** Runs {@code cmd} inside the namespace, killed at {@code timeout}. */
    public ExecResult exec(Duration timeout, String... cmd) {
        return Commands.run(timeout, wrap(List.of(cmd)));
    }

    /** As {@link #exec}, with stdin read from a file. */
    public ExecResult execWithInput(Duration timeout, Path stdin, String... cmd) {
        return Commands.run(timeout, wrap(List.of(cmd)), stdin);
    }

    /** Runs a /bin/sh script inside the namespace (for pipelines), killed at {@code timeout}. */
    public ExecResult sh(Duration timeout, String script) {
        return exec(timeout, "sh", "-c", script);
    }

    /** Starts a long-running process inside the namespace; {@link #close()} kills it if the test doesn't. */
    public GuestProcess spawn(String... cmd) {
        GuestProcess p = GuestProcess.start(wrap(List.of(cmd)));
        synchronized (spawned) {
            spawned.add(p);
        }
        return p;
    }

    /** Waits until a TCP ({@code "t"}) or UDP ({@code "u"}) socket listens on {@code port} in here. */
    public void awaitListening(String tcpOrUdp, int port, Duration timeout) {
        Await.until(() -> !exec(IP_TIMEOUT, "ss", "-Hn" + tcpOrUdp + "l", "sport = :" + port).stdout().isBlank(),
                timeout, (tcpOrUdp.equals("t") ? "TCP" : "UDP") + " listener on port " + port + " in " + name);
    }

    private List<String> wrap(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(cmd);
        return all;
    }

    /** Kills everything spawned or still running in the namespace, then deletes it. Idempotent. */
    @Override
    public void close() {
        synchronized (spawned) {
            for (int i = spawned.size() - 1; i >= 0; i--) spawned.get(i).close();
            spawned.clear();
        }
        delete(name);
    }

    private static void delete(String name) {
        if (!Files.exists(Path.of("/run/netns", name))) {
            Commands.deleteTree(Path.of("/etc/netns", name));
            return;
        }
        // Daemonised guest tools (dhclient) are not our children: find them through the namespace.
        killAllIn(name);
        Commands.run(IP_TIMEOUT, List.of("ip", "netns", "del", name));
        Commands.deleteTree(Path.of("/etc/netns", name));
    }

    private static void killAllIn(String name) {
        for (String pid : Commands.run(IP_TIMEOUT, List.of("ip", "netns", "pids", name)).stdout().split("\\s+")) {
            if (pid.isBlank()) continue;
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
        Await.poll(() -> Commands.run(IP_TIMEOUT, List.of("ip", "netns", "pids", name)).stdout().isBlank(),
                Duration.ofSeconds(5));
    }

    /** Deletes namespaces of ours whose creating JVM no longer exists. */
    static void reapStale() {
        for (String line : Commands.run(IP_TIMEOUT, List.of("ip", "netns", "list")).stdout().split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            Matcher m = OWNED.matcher(ns);
            if (!m.matches()) continue;
            long owner = Long.parseLong(m.group(1));
            if (owner != ProcessHandle.current().pid() && ProcessHandle.of(owner).isEmpty()) {
                System.err.println("[e2e] reaping stale namespace " + ns);
                delete(ns);
            }
        }
    }

    @Override
    public String toString() { return name; }
}
