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
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jslirp run [OPTIONS] -- COMMAND [ARGS]}: COMMAND runs in new network and mount
 * namespaces whose only interface (besides lo) is a tap served by jslirp, configured as a
 * DHCP client would configure it, with /etc/resolv.conf naming the virtual DNS. jslirp
 * exits when COMMAND does, with its status (128+N for a signal, as a shell reports it).
 *
 * <p>How: a dedicated thread leaves our network namespace with unshare(CLONE_NEWNET) (a
 * per-thread operation), creates and configures the tap there and spawns COMMAND, which
 * inherits that thread's namespace. The same thread then waits for COMMAND, so the
 * parent-death signal COMMAND holds (set by setpriv) fires if jslirp is killed: SIGKILL of
 * jslirp leaves no guest behind.
 */
@Command(name = "run", description = "Run COMMAND in a new network namespace served by jslirp.", sortOptions = false,
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    @Mixin
    NetworkOptions network = new NetworkOptions();

    @Mixin
    OperatorOptions operatorOptions = new OperatorOptions();

    @Option(names = "--tap", paramLabel = "NAME", description = "Name of the guest's interface (default eth0).")
    String tapName = "eth0";

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        Config config = network.toConfig(false, null);
        Path resolv = writeResolvConf(config);
        CompletableFuture<Integer> tapFd = new CompletableFuture<>();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Stack[] stackRef = new Stack[1];
        Thread guest = Thread.ofPlatform().name("jslirp-guest").start(() -> {
            try {
                int r = Namespaces.unshare(Namespaces.CLONE_NEWNET);
                if (r < 0) throw new NativeException("unshare(CLONE_NEWNET)", -r);
                tapFd.complete(GuestTap.create(tapName, config, config.guestAddr()));
            } catch (RuntimeException e) {
                tapFd.completeExceptionally(e);
                return;
            }
            // Wait until the stack is ready, so COMMAND's first packet finds jslirp serving.
            synchronized (stackRef) {
                while (stackRef[0] == null) {
                    try {
                        stackRef.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            int status;
            try {
                int pid = Spawn.spawn(Spawn.Request.of("setpriv", childArgv(resolv)));
                status = WaitStatus.shellCode(Spawn.waitpid(pid, 0));
            } catch (RuntimeException e) {
                System.err.println("jslirp: cannot start " + command.get(0) + ": " + e.getMessage());
                status = 127;
            }
            exit.complete(status);
            stackRef[0].loop().stop();
        });
        int fd;
        try {
            fd = tapFd.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new StartupException("cannot create the guest namespace: " + e.getCause().getMessage()
                    + (Privileges.geteuid() != 0 ? " (jslirp run needs root for now)" : ""), Main.EXIT_FAILURE, e);
        }
        Operators operators = new Operators(operatorOptions, network.allowRules());
        Stack stack = new Stack(config, operators.link(new TapLink(fd, GuestTap.maxFrameLength(config))), NanoClock.SYSTEM,
                operators.forwarding(config, true));
        try {
            stack.bindForwards();
            operators.attach(stack);
        } catch (IllegalStateException | IllegalArgumentException e) {
            stack.close();
            throw new StartupException(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        synchronized (stackRef) {
            stackRef[0] = stack;
            stackRef.notifyAll();
        }
        int served = Serve.run(stack, "tap " + tapName + " of '" + String.join(" ", command) + "'");
        try {
            Files.deleteIfExists(resolv);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
        return exit.isDone() ? exit.join() : served;
    }

    /**
     * setpriv --pdeathsig KILL: COMMAND dies with us. unshare --mount: a private mount
     * namespace in which /etc/resolv.conf is our file, then exec COMMAND.
     */
    private List<String> childArgv(Path resolv) {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--",
                "unshare", "--mount", "--propagation", "private", "--",
                "/bin/sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolv.toString()));
        argv.addAll(command);
        return argv;
    }

    private static Path writeResolvConf(Config config) {
        try {
            Path file = Files.createTempFile("jslirp-resolv", ".conf");
            Files.writeString(file, "# written by jslirp run\nnameserver " + dev.jslirp.wire.Ipv4Address.toString(config.dns()) + "\n");
            file.toFile().setReadable(true, false);
            return file;
        } catch (IOException e) {
            throw new StartupException("cannot write the guest's resolv.conf: " + e.getMessage(), Main.EXIT_FAILURE, e);
        }
    }
}
