package dev.jslirp.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * jslirp as bhyve's slirp helper, started by the Java frontend library
 * ({@link dev.jslirp.bhyve.frontend.SlirpHelper}) in a separate JVM ({@link JavaFrontendRelay}),
 * which relays frames between the helper and tap0 in the test's namespace.
 */
public final class BhyveJavaFrontendBackend implements GuestBackend {
    @Override public String name() { return "bhyve-java"; }

    @Override public String unavailableReason() { return null; }

    @Override public boolean supportsDnsUpstream() { return true; }

    @Override public boolean supportsRestricted() { return true; }

    @Override
    public BackendProcess start(Path netnsPath, BackendOptions options) {
        Map<String, String> device = BhyveFrontends.deviceOptions(options, netnsPath.getFileName().toString());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), JavaFrontendRelay.class.getName(),
                BhyveFrontends.helper().toString(), netnsPath.toString()));
        device.forEach((k, v) -> cmd.add(k + "=" + v));
        GuestProcess frontend = GuestProcess.start(cmd);
        BackendProcess process = new BackendProcess(name(), frontend, () -> { });
        try {
            BhyveFrontends.prepareTap(netnsPath, options, frontend);
        } catch (RuntimeException | AssertionError e) {
            process.close();
            throw e;
        }
        return process;
    }

}
