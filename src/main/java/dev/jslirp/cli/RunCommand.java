package dev.jslirp.cli;

import dev.jslirp.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jslirp run [OPTIONS] -- COMMAND [ARGS]}: COMMAND runs as the guest, in new network
 * and mount namespaces, its interface configured as a DHCP client would configure it.
 * jslirp exits when COMMAND does, with its status. Restricted by default, as bhyve is.
 */
@Command(name = "run", description = "Run COMMAND in new network and mount namespaces served by jslirp; exit with its status.",
        sortOptions = false, mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    @Mixin
    NetworkOptions network = new NetworkOptions();

    @Mixin
    OperatorOptions operatorOptions = new OperatorOptions();

    @Option(names = "--tap", paramLabel = "NAME", description = "Name of the guest's interface (default eth0).")
    String tapName = "eth0";

    @Option(names = "--no-configure", description = "Leave the interface unnumbered, for a DHCP client in COMMAND.")
    boolean noConfigure;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.ParentCommand
    Main parent;

    @Override
    public Integer call() {
        Main.rejectOptionsBeforeSubcommand(parent, "run");
        Config config = network.toConfig(false, null);
        Operators operators = new Operators(operatorOptions, network.allowRules());
        return new NamespaceGuest(config, tapName, !noConfigure, command, !network.noOffload, network.spliceForwards)
                .run((tap, guestNetnsFd) -> operators.stack(config, tap, true, stack -> {
                    if (guestNetnsFd >= 0) stack.spliceForwards(dev.jslirp.splice.NamespaceSockets.start(guestNetnsFd));
                }), stack -> { });
    }
}
