/**
 * TCP termination: the guest's TCP connections end here and their byte streams are relayed
 * to host sockets, as libslirp, passt and gvisor-tap-vsock do.
 *
 * <p>Top down:
 * <ul>
 * <li>{@link dev.jslirp.tcp.TcpConnection}: one connection, an RFC 9293 state machine
 *   ({@link dev.jslirp.tcp.TcpState}) between a guest that speaks TCP and a
 *   {@link dev.jslirp.tcp.HostStream}. The flow layer creates it, feeds it guest segments
 *   and host readiness, calls {@code onTimer} at {@code nextDeadlineNs()}, and frees the
 *   flow once {@code isClosed()}.</li>
 * <li>{@link dev.jslirp.tcp.SendBuffer} (host→guest bytes until acknowledged),
 *   {@link dev.jslirp.tcp.ReceiveBuffer} (guest→host bytes until the host takes them, with
 *   out-of-order reassembly), {@link dev.jslirp.tcp.RetransmitTimer} (RFC 6298).</li>
 * <li>{@link dev.jslirp.tcp.TcpConfig}: buffer sizes, MSS, window scale and timeouts.</li>
 * <li>{@link dev.jslirp.tcp.GuestSegmentSink}: where segments to the guest go; the interface
 *   layer wraps them in IPv4/Ethernet and checksums them.</li>
 * </ul>
 * Backpressure runs both ways through the two bounded buffers: a slow host socket shrinks
 * the window we advertise to the guest; a guest that does not acknowledge fills the send
 * buffer and we stop reading the host socket.
 */
package dev.jslirp.tcp;
