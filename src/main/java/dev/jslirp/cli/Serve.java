package dev.jslirp.cli;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The last stage every mode shares: bind forwards, announce, run the loop, shut down cleanly on a signal. */
final class Serve {
    private static final Logger LOG = System.getLogger("jslirp");

    private Serve() {}

    /** A forward that asked for host port 0 got one from the kernel: say which, or nobody can use it. */
    private static void logPortsPicked(Stack stack) {
        int tcp = 0, udp = 0;
        for (dev.jslirp.config.HostForward f : stack.config().forwards()) {
            boolean isTcp = f.protocol() == dev.jslirp.config.HostForward.Protocol.TCP;
            int index = isTcp ? tcp++ : udp++;
            if (f.hostPort() == 0) {
                int port = isTcp ? stack.tcp().boundPort(index) : stack.udp().boundPort(index);
                LOG.log(Level.INFO, "hostfwd rule '" + f + "' listens on host port " + port);
            }
        }
    }

    /** Binds forwards (failure → exit 1 naming the rule), then serves until the link closes or SIGTERM/SIGINT. */
    static int run(Stack stack, String linkDescription) {
        return run(stack, linkDescription, s -> { });
    }

    /** As {@link #run(Stack, String)}, calling {@code onServing} once forwards are bound, just before the loop starts. */
    static int run(Stack stack, String linkDescription, java.util.function.Consumer<Stack> onServing) {
        try {
            stack.bindForwards();
        } catch (IllegalStateException e) {
            stack.close();
            throw new StartupException(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        logPortsPicked(stack);
        // SIGTERM/SIGINT: stop the loop and let it close every socket (forwarded ports are
        // released), waiting a bounded time. The loop thread must not call System.exit
        // before the hook returns, or the two would wait for each other.
        CountDownLatch closed = new CountDownLatch(1);
        // Decided now: at SIGTERM the LogManager's own hook resets every level to INFO.
        boolean reportCounters = LOG.isLoggable(Level.INFO);
        Thread hook = new Thread(() -> {
            stack.loop().stop();
            try {
                closed.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jslirp-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.log(Level.INFO, "serving " + linkDescription + ": " + NetworkOptions.describe(stack.config(), stack.forwarding().policy())
                + (stack.spliced() != null ? ", TCP forwards from loopback spliced into the namespace" : ""));
        try {
            onServing.accept(stack);
            stack.run();
        } finally {
            stack.close();
            // Before releasing the hook, which lets the JVM halt. Not through java.util.logging:
            // on SIGTERM its own shutdown hook may already have closed the handlers.
            if (reportCounters) System.err.println("jslirp: stopped; counters " + stack.counters());
            closed.countDown();
        }
        return stack.linkClosed() ? Main.EXIT_FAILURE : 0;
    }
}
