/**
 * End-to-end tests: a real Linux network stack as the guest, a real backend process serving it.
 *
 * <h2>Theory of operation</h2>
 * Each test makes a {@link dev.jslirp.e2e.Netns network namespace} and starts a
 * {@link dev.jslirp.e2e.GuestBackend backend} on it in the slirp4netns command-line form
 * ({@code PROGRAM [--configure] [--mtu N] [--disable-host-loopback] --netns-type=path PATH tap0});
 * the backend creates tap0 inside the namespace and NATs its frames onto host sockets.
 * {@link dev.jslirp.e2e.Guest} bundles the two and polls for readiness. Guest programs are the
 * host's own binaries run with {@code ip netns exec} (busybox applets, dhclient, socat, dig),
 * each with a hard deadline ({@link dev.jslirp.e2e.Commands}).
 *
 * <p>The far ends are ours: {@link dev.jslirp.e2e.HostServers} and
 * {@link dev.jslirp.e2e.TestDnsServer} on host 127.0.0.1 (the guest's 10.0.2.2 and, through
 * the backend's DNS forwarding, 10.0.2.3), and {@link dev.jslirp.e2e.OutsideHost}, a
 * namespace at 198.51.100.2 behind a veth, as the "internet" for open/restricted tests.
 * No test sends a packet anywhere else.
 *
 * <p>The same tests run against slirp4netns (reference) and jslirp, chosen with
 * {@code -Djslirp.e2e.backend}. What only one backend can do is a capability on
 * {@link dev.jslirp.e2e.GuestBackend}; tests needing it skip with the reason.
 *
 * <p>Everything a test creates is closed after it, pass or fail
 * ({@link dev.jslirp.e2e.E2eTestBase}); namespaces left by a JVM that died are reaped when
 * the next run starts (names carry the creating JVM's pid).
 */
package dev.jslirp.e2e;
