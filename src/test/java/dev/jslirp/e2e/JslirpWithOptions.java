package dev.jslirp.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * jslirp with extra command-line options (limits, timeouts, {@code --api-socket}) on top of
 * what {@link BackendOptions} expresses, for the hardening tests. The JVM is the backend
 * process itself (the launcher execs it), so its pid is the one to read /proc of.
 */
final class JslirpWithOptions implements GuestBackend {
    private final List<String> prefix;
    private final List<String> extra;

    JslirpWithOptions(List<String> extra) { this(List.of(), extra); }

    /**
     * @param prefix a command that execs jslirp, e.g. {@code ip netns exec HOSTNS} to run it in
     *     a namespace standing in for the host (exec, not fork: the pid stays jslirp's)
     */
    JslirpWithOptions(List<String> prefix, List<String> extra) {
        this.prefix = List.copyOf(prefix);
        this.extra = List.copyOf(extra);
    }

    @Override public String name() { return "jslirp"; }
    @Override public String unavailableReason() { return new JslirpBackend().unavailableReason(); }
    @Override public boolean supportsDnsUpstream() { return true; }
    @Override public boolean supportsRestricted() { return true; }

    @Override
    public BackendProcess start(Path netnsPath, BackendOptions options) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(JslirpBackend.launcher().toString());
        cmd.addAll(extra);
        if (options.configure()) cmd.add("--configure");
        if (options.mtu() != 0) cmd.addAll(List.of("--mtu", Integer.toString(options.mtu())));
        if (options.disableHostLoopback()) cmd.add("--disable-host-loopback");
        if (options.dnsUpstream() != null) {
            cmd.addAll(List.of("--dns-upstream",
                    options.dnsUpstream().getAddress().getHostAddress() + ":" + options.dnsUpstream().getPort()));
        }
        switch (options.egress()) {
            case OPEN -> cmd.add("--open");
            case RESTRICTED -> cmd.add("--restricted");
            case DEFAULT -> { }
        }
        if (!options.hostForwards().isEmpty()) {
            cmd.add("--hostfwd");
            cmd.add(String.join(";", options.hostForwards().stream().map(HostForward::bhyveRule).toList()));
        }
        cmd.addAll(List.of("--netns-type=path", netnsPath.toString(), "tap0"));
        return new BackendProcess(name(), GuestProcess.start(cmd), () -> { });
    }
}
