package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.link.TapLink;
import dev.jslirp.os.Namespaces;
import dev.jslirp.os.NativeException;
import dev.jslirp.splice.NamespaceSockets;
import dev.jslirp.time.NanoClock;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * slirp4netns's form: {@code jslirp [OPTIONS] PID|PATH TAPNAME} creates TAPNAME in an existing
 * network namespace and serves it until the namespace's tap goes away or we are signalled.
 * Open by default, as slirp4netns is; with {@code --configure} the guest is 10.0.2.100/24
 * with a default route via the gateway, as slirp4netns configures it.
 */
final class NamespaceTapMode {
    private static final Logger LOG = System.getLogger("jslirp");
    /** slirp4netns's --configure address: 10.0.2.100 in the default network. */
    static final int CONFIGURED_HOST_PART = 100;

    private final NetworkOptions options;
    private final boolean configure;
    private final String netnsType;
    private final String target;
    private final String tapName;

    private final Slirp4netnsOptions slirp;
    private final OperatorOptions operatorOptions;

    NamespaceTapMode(NetworkOptions options, boolean configure, String netnsType, String target, String tapName,
                     Slirp4netnsOptions slirp, OperatorOptions operatorOptions) {
        this.slirp = slirp;
        this.operatorOptions = operatorOptions;
        this.options = options;
        this.configure = configure;
        this.netnsType = netnsType;
        this.target = target;
        this.tapName = tapName;
    }

    int run() {
        dev.jslirp.os.Tap.checkName(tapName);
        Config config = options.toConfig(true, configure ? CONFIGURED_HOST_PART : null);
        String nsPath = switch (netnsType) {
            case "pid" -> {
                if (!target.chars().allMatch(Character::isDigit) || target.isEmpty()) {
                    throw new IllegalArgumentException("not a PID: '" + target + "' (use --netns-type=path for a path)");
                }
                yield "/proc/" + target + "/ns/net";
            }
            case "path" -> target;
            default -> throw new IllegalArgumentException("--netns-type must be pid or path, got '" + netnsType + "'");
        };
        Slirp4netnsCompat compat = Slirp4netnsCompat.check(slirp, configure);
        Operators operators = new Operators(operatorOptions, options.allowRules());
        TapLink tap;
        try {
            tap = Namespaces.runInNetns(nsPath, () -> {
                TapLink created = GuestTap.create(tapName, config, configure ? config.guestAddr() : 0, !options.noOffload);
                if (compat.tapMac() != 0) {
                    try (dev.jslirp.os.NetConfig net = new dev.jslirp.os.NetConfig()) {
                        net.setMac(tapName, compat.tapMac());
                    } catch (RuntimeException e) {
                        created.close();
                        throw e;
                    }
                }
                return created;
            });
        } catch (NativeException e) {
            throw new StartupException("cannot create tap " + tapName + " in " + nsPath + ": " + e.getMessage(), Main.EXIT_FAILURE, e);
        }
        Stack stack = operators.stack(config, tap, !slirp.disableDns, s -> {
            compat.configure(s);
            if (options.spliceForwards) s.spliceForwards(namespaceSockets(nsPath));
        });
        compat.beforeRun(stack);
        return Serve.run(stack, "tap " + tapName + " in " + nsPath);
    }

    /** The socket pool for --splice-forwards, its thread in the namespace at {@code nsPath}. */
    private static NamespaceSockets namespaceSockets(String nsPath) {
        int fd;
        try {
            fd = Namespaces.open(nsPath);
        } catch (NativeException e) {
            throw new IllegalStateException("--splice-forwards: " + e.getMessage(), e);
        }
        try {
            return NamespaceSockets.start(fd);
        } finally {
            dev.jslirp.os.Sys.close(fd);
        }
    }
}
