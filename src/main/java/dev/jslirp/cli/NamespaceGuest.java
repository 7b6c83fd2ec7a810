package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.link.TapLink;
import dev.jslirp.os.Namespaces;
import dev.jslirp.os.NativeException;
import dev.jslirp.os.Privileges;
import dev.jslirp.os.Spawn;
import dev.jslirp.os.WaitStatus;
import dev.jslirp.time.NanoClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * A command run as the guest: in new network and mount namespaces whose only interface
 * (besides lo) is a tap served by jslirp, with /etc/resolv.conf naming the virtual DNS.
 *
 * <p>How, as root: a dedicated thread leaves our network namespace with unshare(CLONE_NEWNET) (a
 * per-thread operation on Linux), creates the tap there and spawns the command, which
 * inherits that thread's namespace. The same thread then waits for the command, so the
 * parent-death signal the command holds (set by setpriv) fires when that thread goes,
 * which it does only with the whole process: SIGKILL of jslirp leaves no guest behind.
 * Without root, the command gets a user namespace too and the tap is made in there by a
 * helper ({@link RootlessGuest}); the rest is the same.
 */
final class NamespaceGuest {
    private final Config config;
    private final String tapName;
    private final boolean configureAddress;
    private final List<String> command;
    private final boolean offloads;
    private final boolean guestNetnsWanted;

    /** Builds the stack around the guest's tap. */
    @FunctionalInterface
    interface StackFactory {
        /**
         * @param guestNetnsFd an open descriptor of the guest's network namespace if it was
         *     asked for (closed once this returns), else -1
         */
        Stack build(TapLink tap, int guestNetnsFd);
    }

    /**
     * @param configureAddress assign the guest address and default route (as a DHCP client
     *     would); false leaves the tap up but unnumbered, for a DHCP client in the command
     * @param guestNetnsWanted hand the stack factory a descriptor of the guest's network
     *     namespace (--splice-forwards; root only: rootless, the namespace belongs to a user
     *     namespace jslirp cannot enter)
     */
    NamespaceGuest(Config config, String tapName, boolean configureAddress, List<String> command, boolean offloads,
                   boolean guestNetnsWanted) {
        this.guestNetnsWanted = guestNetnsWanted;
        this.offloads = offloads;
        this.config = config;
        this.tapName = tapName;
        this.configureAddress = configureAddress;
        this.command = List.copyOf(command);
    }

    /**
     * Runs the command against a stack serving its tap; returns the command's exit status
     * (128+N for a signal, as a shell reports it).
     * @param stackFactory builds the stack around the tap (binding forwards; may throw StartupException)
     * @param onServing called with the stack once forwards are bound, before the command starts
     */
    int run(StackFactory stackFactory, Consumer<Stack> onServing) {
        Path resolv = writeResolvConf(config);
        try {
            return run(resolv, stackFactory, onServing);
        } finally {
            try {
                Files.deleteIfExists(resolv); // also when start-up failed half-way
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }

    private int run(Path resolv, StackFactory stackFactory, Consumer<Stack> onServing) {
        CompletableFuture<TapLink> tapLink = new CompletableFuture<>();
        CompletableFuture<Stack> ready = new CompletableFuture<>();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        boolean rootless = Privileges.geteuid() != 0;
        if (rootless && guestNetnsWanted) {
            throw new IllegalArgumentException("--splice-forwards needs root in run mode: without it the guest's namespace "
                    + "belongs to a user namespace jslirp cannot enter");
        }
        int guestAddr = configureAddress ? config.guestAddr() : 0;
        int[] guestNetns = {-1};
        Thread.ofPlatform().name("jslirp-guest").daemon().start(() -> {
            RootlessGuest.Started held = null;
            try {
                if (rootless) {
                    held = RootlessGuest.start(resolv, command);
                    tapLink.complete(RootlessGuest.openTap(held.pid(), tapName, config, guestAddr, offloads));
                } else {
                    int r = Namespaces.unshare(Namespaces.CLONE_NEWNET);
                    if (r < 0) throw new NativeException("unshare(CLONE_NEWNET)", -r);
                    // This thread's namespace is the guest's now; the descriptor is published
                    // to the main thread by the future's completion.
                    if (guestNetnsWanted) guestNetns[0] = Namespaces.open("/proc/thread-self/ns/net");
                    tapLink.complete(GuestTap.create(tapName, config, guestAddr, offloads));
                }
            } catch (RuntimeException e) {
                if (guestNetns[0] >= 0) {
                    dev.jslirp.os.Sys.close(guestNetns[0]);
                    guestNetns[0] = -1;
                }
                if (held != null) {
                    Spawn.kill(held.pid(), Spawn.SIGKILL);
                    Spawn.waitpid(held.pid(), 0);
                }
                tapLink.completeExceptionally(e);
                return;
            }
            Stack stack = ready.join(); // so the command's first packet finds jslirp serving
            int status;
            try {
                int pid;
                if (held != null) {
                    RootlessGuest.release(held);
                    pid = held.pid();
                } else {
                    pid = Spawn.spawn(Spawn.Request.of("setpriv", childArgv(resolv)));
                }
                status = WaitStatus.shellCode(Spawn.waitpid(pid, 0));
            } catch (RuntimeException e) {
                System.err.println("jslirp: cannot start " + command.get(0) + ": " + e.getMessage());
                status = 127;
            }
            exit.complete(status);
            stack.loop().stop();
        });
        TapLink tap;
        try {
            tap = tapLink.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StartupException s) throw s;
            throw new StartupException("cannot create the guest namespace: " + e.getCause().getMessage(), Main.EXIT_FAILURE, e);
        }
        Stack stack;
        try {
            stack = stackFactory.build(tap, guestNetns[0]);
        } finally {
            if (guestNetns[0] >= 0) dev.jslirp.os.Sys.close(guestNetns[0]);
        }
        String what = String.join(" ", command);
        if (what.length() > 60) what = what.substring(0, 57) + "...";
        int served = Serve.run(stack, "tap " + tapName + " of '" + what.replace('\n', ' ') + "'", s -> {
            onServing.accept(s);
            ready.complete(s);
        });
        return exit.isDone() ? exit.join() : served;
    }

    /**
     * setpriv --pdeathsig KILL: the command dies with us. unshare --mount: a private mount
     * namespace in which /etc/resolv.conf is our file; then exec the command.
     */
    private List<String> childArgv(Path resolv) {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--",
                "unshare", "--mount", "--propagation", "private", "--",
                "/bin/sh", "-c", "mount --bind \"$1\" /etc/resolv.conf && shift && exec \"$@\"", "jslirp", resolv.toString()));
        argv.addAll(command);
        return argv;
    }

    private static Path writeResolvConf(Config config) {
        try {
            Path file = Files.createTempFile("jslirp-resolv", ".conf");
            Files.writeString(file, "# written by jslirp\nnameserver " + dev.jslirp.wire.Ipv4Address.toString(config.dns()) + "\n");
            file.toFile().setReadable(true, false);
            return file;
        } catch (IOException e) {
            throw new StartupException("cannot write the guest's resolv.conf: " + e.getMessage(), Main.EXIT_FAILURE, e);
        }
    }
}
