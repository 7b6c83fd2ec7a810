/**
 * bhyve's slirp backend, the helper side: what {@code /usr/libexec/bhyve-slirp-helper} receives
 * and how it reads it (specs: {@code bhyve-slirp-helper-contract.md}, {@code nvlist-wire-format.md}).
 *
 * <h2>Theory of operation</h2>
 * bhyve spawns the helper with one end of a SEQPACKET socket pair and sends, before any frame, the
 * device's config node as a libnv packed nvlist ({@code nvlist_send()}). The helper:
 * <ol>
 *   <li>peeks the 19-byte root header and asks {@link dev.jslirp.bhyve.NvListFraming} for the total
 *       length, then consumes exactly that many bytes, so a frame queued behind the nvlist stays in
 *       the socket (on FreeBSD the nvlist has no record boundary of its own);</li>
 *   <li>decodes them with {@link dev.jslirp.bhyve.NvListDecoder} into an immutable
 *       {@link dev.jslirp.bhyve.NvList} (any failure: exit status 1);</li>
 *   <li>turns the keys it understands into a {@link dev.jslirp.bhyve.BhyveConfig}
 *       ({@code vmname}, {@code open}, {@code hostfwd}, plus jslirp's {@code mtu} and {@code dns}),
 *       failing with the C helper's exit status ({@link dev.jslirp.bhyve.BhyveConfigException}).</li>
 * </ol>
 * {@link dev.jslirp.bhyve.NvListEncoder} is the inverse of the decoder, byte-identical to libnv,
 * for a bhyve-like frontend and for tests.
 *
 * <p>Nothing here does I/O: the socket code (peek, exact read, SCM_RIGHTS) lives with the link.
 */
package dev.jslirp.bhyve;
