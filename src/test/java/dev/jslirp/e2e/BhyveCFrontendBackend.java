package dev.jslirp.e2e;

import dev.jslirp.bhyve.NvList;
import dev.jslirp.bhyve.NvListEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * jslirp as bhyve's slirp helper, started by a bhyve-like parent written in C
 * (src/test/c/bhyve_frontend.c) that relays frames between the helper and tap0 in the test's
 * namespace. The configuration nvlist is written to a file by our encoder and sent by the C
 * program unchanged; {@link #startWithConfig} sends any bytes (golden vectors).
 */
public final class BhyveCFrontendBackend implements GuestBackend {
    private final Path helper;

    public BhyveCFrontendBackend() { this(BhyveFrontends.helper()); }

    public BhyveCFrontendBackend(Path helper) { this.helper = helper; }

    @Override public String name() { return "bhyve-c"; }

    @Override public String unavailableReason() { return BhyveFrontends.gccMissing(); }

    @Override public boolean supportsDnsUpstream() { return true; }

    @Override public boolean supportsRestricted() { return true; }

    @Override
    public BackendProcess start(Path netnsPath, BackendOptions options) {
        Map<String, String> device = BhyveFrontends.deviceOptions(options, netnsPath.getFileName().toString());
        NvList.Builder b = NvList.builder();
        device.forEach(b::addString);
        return startWithConfig(netnsPath, options, NvListEncoder.encode(b.build()));
    }

    /** Starts the C frontend sending {@code config} as the configuration record. */
    public BackendProcess startWithConfig(Path netnsPath, BackendOptions options, byte[] config) {
        Path file;
        try {
            file = Files.createTempFile("jslirp-bhyve-config", ".bin");
            Files.write(file, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GuestProcess frontend = GuestProcess.start(List.of(BhyveFrontends.cFrontend().toString(), helper.toString(),
                netnsPath.toString(), file.toString()));
        BackendProcess process = new BackendProcess(name(), frontend, () -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // temp file
            }
        });
        try {
            BhyveFrontends.prepareTap(netnsPath, options, frontend);
        } catch (RuntimeException | AssertionError e) {
            process.close();
            throw e;
        }
        return process;
    }
}
