package dev.jslirp.e2e;

import java.nio.file.Path;

/**
 * A user-mode network backend serving a tap device in a network namespace, started as a
 * separate process in the slirp4netns command-line form
 * {@code PROGRAM [--configure] [--mtu N] [--disable-host-loopback] --netns-type=path PATH tap0}.
 * Tests are written against this interface so the same test runs against slirp4netns (the
 * reference) and jslirp; capabilities that only one of them has gate tests with assumptions.
 */
public interface GuestBackend {

    /** Short name for logs and skip messages. */
    String name();

    /** Null if this backend can run here, else why not (missing binary, ...). */
    String unavailableReason();

    /** Starts the backend for {@code netnsPath}'s tap0. Returns once the process runs; readiness is the caller's poll. */
    BackendProcess start(Path netnsPath, BackendOptions options);

    /** Can 10.0.2.3 be pointed at a resolver of the test's choosing ({@link BackendOptions#dnsUpstream()})? */
    boolean supportsDnsUpstream();

    /** Is there a restricted egress mode ({@link BackendOptions.Egress#RESTRICTED})? */
    boolean supportsRestricted();
}
