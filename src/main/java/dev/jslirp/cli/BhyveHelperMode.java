package dev.jslirp.cli;

import dev.jslirp.bhyve.BhyveConfig;
import dev.jslirp.bhyve.BhyveConfigException;
import dev.jslirp.bhyve.HelperArguments;
import dev.jslirp.bhyve.HelperFailure;
import dev.jslirp.bhyve.HelperPlatform;
import dev.jslirp.bhyve.NvList;
import dev.jslirp.bhyve.NvListDecoder;
import dev.jslirp.bhyve.NvListException;
import dev.jslirp.config.Config;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.link.Link;
import dev.jslirp.link.SeqpacketLink;
import dev.jslirp.os.Sys;
import dev.jslirp.os.Syslog;
import dev.jslirp.time.NanoClock;
import dev.jslirp.wire.Ipv4Address;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * {@code jslirp -S FD}: a drop-in replacement for FreeBSD's {@code /usr/libexec/bhyve-slirp-helper}
 * (contract: shared/spec/bhyve-slirp-helper-contract.md; user documentation: docs/bhyve.md).
 *
 * <ol>
 *   <li>Arguments as getopt("S:") + atoi; every {@code -S} validated (fcntl F_GETFD, then "is a
 *       SEQPACKET socket"). Errors on stderr, exit 1: the only diagnostics a user sees there.</li>
 *   <li>Descriptor hygiene: /dev/null on 0-2, socket to 3, inherited descriptors closed. From
 *       here on everything is logged to syslog only (ident bhyve-slirp-helper, facility daemon,
 *       lines prefixed with the VM name once known); JSLIRP_SYSLOG_SOCKET names another socket
 *       than /dev/log (tests).</li>
 *   <li>One nvlist from the socket → {@link BhyveConfig}: exit 1, or 4 for a bad {@code open}.</li>
 *   <li>Network built, forwarded ports bound (failure: exit 1), then as root → nobody, then in
 *       restricted mode the sandbox, on this thread, which runs the event loop.</li>
 *   <li>Serve until the parent closes its end: "parent process closed connection", exit 1.
 *       There is no exit-0 path; bhyve ends us with SIGKILL.</li>
 * </ol>
 */
final class BhyveHelperMode {
    static final String IDENT = HelperArguments.PROGRAM;
    /** Environment variable naming the syslog socket (default /dev/log), for tests. */
    static final String SYSLOG_SOCKET_ENV = "JSLIRP_SYSLOG_SOCKET";
    /** Largest guest MTU whose frames (MTU + 14) stay within bhyve's 2048-byte limit. */
    static final int MAX_MTU = SeqpacketLink.MAX_FRAME_LENGTH - 14;
    static final String UNPRIVILEGED_USER = "nobody";

    private BhyveHelperMode() {}

    /**
     * First argument of the {@code bhyve-slirp-helper} wrapper: everything after it is the helper's
     * command line, even when it is wrong (the helper prints its own usage line then).
     */
    static final String MARKER = "--bhyve-slirp-helper";

    /** True when the command line is the helper's: the wrapper's marker, or a first word starting with {@code -S}. */
    static boolean wants(String[] args) {
        return args.length > 0 && (args[0].equals(MARKER) || args[0].startsWith("-S"));
    }

    static int run(String[] args) {
        if (args.length > 0 && args[0].equals(MARKER)) args = java.util.Arrays.copyOfRange(args, 1, args.length);
        HelperPlatform platform = HelperPlatform.current();
        Set<Integer> inherited = platform.inheritedDescriptors();
        String syslogPath = System.getenv(SYSLOG_SOCKET_ENV);
        Syslog syslog = syslogPath == null || syslogPath.isEmpty()
                ? new Syslog(IDENT, Syslog.LOG_DAEMON) : new Syslog(IDENT, Syslog.LOG_DAEMON, syslogPath);
        SyslogHandler log = installLogging(syslog);
        PrintStream stderr = System.err;

        HelperArguments.Parsed parsed = HelperArguments.parse(args);
        if (!parsed.ok()) {
            for (String line : parsed.errorLines()) {
                stderr.println(line);
                log.log(Syslog.LOG_ERR, line);
            }
            stderr.flush();
            return 1;
        }
        for (HelperArguments.SocketArgument s : parsed.sockets()) {
            String why = platform.checkSocket(s.fd());
            if (why != null) {
                String line = "invalid socket " + s.text() + ": " + why;
                stderr.println(IDENT + ": " + line);
                stderr.flush();
                log.log(Syslog.LOG_ERR, line);
                return 1;
            }
        }
        try {
            return serve(platform, parsed.socket().fd(), inherited, log);
        } catch (HelperFailure e) {
            log.log(Syslog.LOG_ERR, e.getMessage() + "; exiting with status " + e.exitStatus());
            return e.exitStatus();
        } catch (RuntimeException | Error e) {
            log.log(Syslog.LOG_CRIT, "internal error: " + e + "; exiting with status 1");
            return 1;
        }
    }

    private static int serve(HelperPlatform platform, int socketArg, Set<Integer> inherited, SyslogHandler log)
            throws HelperFailure {
        int sock = platform.isolateDescriptors(socketArg, inherited);
        String note = platform.isolationNote();
        log.log(Syslog.LOG_INFO, "started on socket " + sock + " (-S " + socketArg + "), closed "
                + Math.max(0, inherited.size() - (inherited.contains(socketArg) ? 1 : 0)) + " inherited descriptor(s)"
                + (note.isEmpty() ? "" : "; " + note));

        HelperPlatform.PackedConfig packed = platform.receiveConfig(sock);
        NvList nvlist;
        try {
            nvlist = NvListDecoder.decode(packed.packed(), packed.descriptors());
        } catch (NvListException e) {
            throw new HelperFailure(1, "nvlist_recv: " + e.getMessage(), e);
        } finally {
            for (int fd : packed.descriptors()) Sys.close(fd);   // the helper uses none
        }
        BhyveConfig bhyve;
        try {
            bhyve = BhyveConfig.from(nvlist);
        } catch (BhyveConfigException e) {
            throw new HelperFailure(e.exitStatus(), e.getMessage(), e);
        }
        bhyve.vmName().ifPresent(name -> {
            platform.setProcessName(name);
            log.vmName(name);
        });
        java.util.List<dev.jslirp.config.EgressRule> allow;
        try {
            allow = dev.jslirp.bhyve.BhyveAllow.rules(nvlist);
            if (allow == null) allow = java.util.List.of(); // no key: no allow-list
        } catch (BhyveConfigException e) {
            throw new HelperFailure(e.exitStatus(), e.getMessage(), e);
        }
        if (!allow.isEmpty() && bhyve.open()) {
            throw new HelperFailure(1, "'allow' and 'open' contradict each other: an allow-list is a mode of its own");
        }
        // An allow-list lets the guest out, but only to what it names (and DNS).
        Config config = toConfig(bhyve, !allow.isEmpty());
        log.log(Syslog.LOG_INFO, "configuration: " + (bhyve.open() ? "open" : "restricted") + ", MTU " + config.mtu()
                + ", DNS upstream " + config.dnsUpstream() + ", " + config.forwards().size() + " hostfwd rule(s)");

        Link link = platform.openLink(sock, SeqpacketLink.MAX_FRAME_LENGTH);
        Stack stack = new Stack(config, link, NanoClock.SYSTEM,
                new dev.jslirp.flow.Forwarding(config, allow.isEmpty() ? new dev.jslirp.flow.EgressPolicy()
                        : new dev.jslirp.flow.EgressPolicy(allow), true));
        try {
            try {
                stack.bindForwards();
            } catch (IllegalStateException e) {
                throw new HelperFailure(1, "Unable to add hostfwd rule: " + e.getMessage(), e);
            }
            if (platform.isRoot()) log.log(Syslog.LOG_INFO, platform.dropPrivileges(UNPRIVILEGED_USER));
            if (bhyve.restricted()) {
                int loaded = preloadClasses();
                log.log(Syslog.LOG_INFO, platform.confine() + "; " + loaded + " classes preloaded");
            } else {
                log.log(Syslog.LOG_INFO, "open mode: no sandbox");
            }
            stack.run();
        } finally {
            stack.close();
        }
        log.log(Syslog.LOG_ERR, "parent process closed connection; counters " + stack.counters() + "; " + link);
        return 1;
    }

    /** bhyve's network (libslirp's defaults) plus the jslirp extras. */
    static Config toConfig(BhyveConfig bhyve) throws HelperFailure {
        return toConfig(bhyve, false);
    }

    /** @param allowList an egress allow-list is in force: the NAT must let the guest out (the policy then filters) */
    static Config toConfig(BhyveConfig bhyve, boolean allowList) throws HelperFailure {
        Config.Builder b = Config.builder();
        b.open = bhyve.open() || allowList;
        b.forwards = bhyve.hostForwards();
        int mtu = bhyve.mtu().orElse(Config.DEFAULT_MTU);
        if (mtu > MAX_MTU) {
            throw new HelperFailure(1, "invalid mtu " + mtu + ": frames must stay within " + SeqpacketLink.MAX_FRAME_LENGTH
                    + " bytes, so at most " + MAX_MTU);
        }
        b.mtu = mtu;
        if (bhyve.dns().isPresent()) {
            b.dnsUpstream = new SocketAddressV4(bhyve.dns().get().addr(), bhyve.dns().get().port());
        } else if (b.open) {
            try {
                b.dnsUpstream = ResolvConf.firstNameserver();
            } catch (IllegalArgumentException e) {
                throw new HelperFailure(1, "no IPv4 nameserver in /etc/resolv.conf; set the dns option", e);
            }
        } else {
            // Restricted: DNS answers local names only and never forwards; any address will do.
            b.dnsUpstream = new SocketAddressV4(Ipv4Address.LOOPBACK, 53);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new HelperFailure(1, "invalid configuration: " + e.getMessage(), e);
        }
    }

    private static SyslogHandler installLogging(Syslog syslog) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level;
        try {
            level = Level.parse(System.getenv().getOrDefault("JSLIRP_LOG", "info").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            level = Level.INFO;
        }
        SyslogHandler handler = new SyslogHandler(syslog);
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
        return handler;
    }

    /**
     * Loads every jslirp class before the sandbox goes up: from a class directory (tests, a
     * development tree) a class loaded later would be a file the sandbox no longer lets us open.
     * From a jar it would still work (the runtime keeps the jar open), so this is cheap insurance.
     * The os package is also initialised, since its static set-up binds native functions.
     */
    static int preloadClasses() {
        List<String> names = new ArrayList<>();
        try {
            Path root = Path.of(BhyveHelperMode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(root)) {
                Path base = root.resolve("dev/jslirp");
                try (Stream<Path> files = Files.walk(base)) {
                    files.filter(p -> p.toString().endsWith(".class"))
                            .forEach(p -> names.add(className(root.relativize(p).toString())));
                }
            } else {
                try (JarFile jar = new JarFile(root.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String n = e.nextElement().getName();
                        if (n.startsWith("dev/jslirp/") && n.endsWith(".class")) names.add(className(n));
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return 0;
        }
        ClassLoader loader = BhyveHelperMode.class.getClassLoader();
        // A class that does not exist makes the class loader search, and so open, every jar of
        // the class path (and those their manifests name): later classes from a jar (dnsjava's,
        // first needed by a DNS query) then come from a descriptor that is already open.
        try {
            Class.forName("dev.jslirp.cli.BhyveHelperMode$NotAClass", false, loader);
        } catch (ClassNotFoundException expected) {
            // every class path entry has been searched
        }
        // The JDK reads conf/security/java.security and opens /dev/urandom on the first
        // SecureRandom (dnsjava draws DNS message ids from one); both stay cached.
        new java.security.SecureRandom().nextInt();
        int loaded = 0;
        for (String name : names) {
            if (name.endsWith("package-info") || name.endsWith("module-info")) continue;
            try {
                Class.forName(name, name.startsWith("dev.jslirp.os."), loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                // optional parts (another mode's dependency) are not needed by the loop
            }
        }
        return loaded;
    }

    private static String className(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.').replace(java.io.File.separatorChar, '.');
    }
}
