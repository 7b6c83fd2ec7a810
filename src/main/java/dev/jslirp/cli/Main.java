package dev.jslirp.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * jslirp's command line. Modes:
 * <ul>
 *   <li>{@code jslirp run [OPTIONS] -- COMMAND [ARGS]}: COMMAND in new network and mount namespaces
 *       whose only interface is a tap served by jslirp;</li>
 *   <li>{@code jslirp [OPTIONS] PID|PATH TAPNAME}: slirp4netns's form, a tap in an existing namespace;</li>
 *   <li>{@code jslirp demo}: a self-contained demonstration with its own guest and host server;</li>
 *   <li>{@code jslirp --socket PATH | --socket-connect PATH | --dgram PATH [OPTIONS]}: a QEMU VM's
 *       {@code -netdev stream} or {@code -netdev dgram} (see {@link QemuMode});</li>
 *   <li>{@code jslirp -S FD}: bhyve's slirp helper ({@link BhyveHelperMode}), with getopt/atoi
 *       argument rules of its own, so it is routed before picocli sees the arguments.</li>
 * </ul>
 * Only this package reads the environment; it maps errors to messages and exit codes.
 */
@Command(name = "jslirp", mixinStandardHelpOptions = true, version = "jslirp 0.1.0",
        description = "User-mode networking for VMs and network namespaces.%n"
                + "slirp4netns form: jslirp [OPTIONS] PID|PATH TAPNAME",
        subcommands = {RunCommand.class, DemoCommand.class},
        sortOptions = false,
        footer = {"%nOther modes:",
                "  jslirp run [OPTIONS] -- COMMAND [ARGS]",
                "                      COMMAND in its own network namespace (see run --help)",
                "  jslirp --socket PATH | --dgram PATH",
                "                      serve a QEMU -netdev stream / dgram",
                "  jslirp -S FD        bhyve's slirp helper protocol (bhyve-slirp-helper)",
                "  jslirp demo         a self-contained demonstration",
                "%nEnvironment: JSLIRP_LOG=warning|info|fine (log level), JSLIRP_AOT=0",
                "(no AOT cache), JSLIRP_JAVA_OPTS (JVM flags instead of the launcher's)."})
public final class Main implements java.util.concurrent.Callable<Integer> {
    /** Exit status for bad usage or configuration. */
    public static final int EXIT_USAGE = 2;
    /** Exit status when the network could not be set up at run time. */
    public static final int EXIT_FAILURE = 1;

    @Mixin
    NetworkOptions network = new NetworkOptions();

    @Mixin
    QemuOptions qemu = new QemuOptions();

    @Option(names = {"-c", "--configure"}, description = "Bring up the tap in the namespace: 10.0.2.100/24, default route via 10.0.2.2 (slirp4netns form).")
    boolean configure;

    @Option(names = "--netns-type", paramLabel = "pid|path", description = "How to read the first operand (default pid).")
    String netnsType = "pid";

    @Mixin
    Slirp4netnsOptions slirp4netns = new Slirp4netnsOptions();

    @Mixin
    OperatorOptions operators = new OperatorOptions();

    @Parameters(arity = "0..2", paramLabel = "PID|PATH TAPNAME", description = "Target namespace and tap name (slirp4netns form).")
    List<String> operands = List.of();

    @Override
    public Integer call() throws Exception {
        if (qemu.selected()) {
            String formOnly = slirp4netns.firstFormOnlyOption();
            if (!operands.isEmpty() || configure || !"pid".equals(netnsType) || formOnly != null) {
                throw new IllegalArgumentException("--socket, --socket-connect and --dgram serve a QEMU VM: they take no "
                        + (formOnly != null ? formOnly : "PID|PATH TAPNAME, --configure or --netns-type")
                        + " (the slirp4netns form's)");
            }
            return new QemuMode(network, qemu, operators, !slirp4netns.disableDns).run();
        }
        if (qemu.oneOff) throw new IllegalArgumentException("--one-off goes with --socket");
        if (operands.size() != 2) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "expected PID|PATH TAPNAME (slirp4netns form), or a mode: run, demo. See --help.");
        }
        return new NamespaceTapMode(network, configure, netnsType, operands.get(0), operands.get(1), slirp4netns, operators).run();
    }

    /**
     * Options before a subcommand belong to the slirp4netns form and would be silently
     * ignored (a --dns-upstream given there would leave DNS on the host's resolver): refuse them.
     */
    static void rejectOptionsBeforeSubcommand(Main parent, String subcommand) {
        if (parent == null) return;
        var matched = parent.spec.commandLine().getParseResult().matchedOptions();
        if (!matched.isEmpty()) {
            throw new IllegalArgumentException("options must follow '" + subcommand + "': "
                    + matched.stream().map(o -> o.longestName()).distinct().toList()
                    + " came before it (jslirp " + subcommand + " [OPTIONS] ...)");
        }
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** {@link #call()} for a line {@link QuickArgs} parsed, errors mapped as picocli's handlers below map them. */
    private int runWithoutPicocli() {
        try {
            return call();
        } catch (IllegalArgumentException e) {
            System.err.println("jslirp: " + e.getMessage());
            return EXIT_USAGE;
        } catch (StartupException e) {
            System.err.println("jslirp: " + e.getMessage());
            return e.exitCode();
        } catch (Exception e) {
            e.printStackTrace(); // as picocli's default execution-exception handling does
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /** Parses and runs; returns the exit status. */
    public static int execute(String... args) {
        if (BhyveHelperMode.wants(args)) return BhyveHelperMode.run(args);
        Logging.configure(System.getenv().getOrDefault("JSLIRP_LOG", "info"));
        Main quick = QuickArgs.parse(args);
        if (quick != null) return quick.runWithoutPicocli();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("jslirp: " + e.getMessage());
                return EXIT_USAGE;
            }
            if (e instanceof StartupException s) {
                cmd.getErr().println("jslirp: " + s.getMessage());
                return s.exitCode();
            }
            throw e;
        });
        cli.setParameterExceptionHandler((e, parsedArgs) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("jslirp: " + e.getMessage());
            err.println("Usage: see 'jslirp --help'");
            return EXIT_USAGE;
        });
        return cli.execute(args);
    }
}
