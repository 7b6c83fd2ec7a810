/**
 * Spliced port forwards ({@code --splice-forwards}, the namespace modes): a TCP forward's
 * connection from the host's loopback is joined to a socket inside the guest's network
 * namespace and its bytes are moved between the two sockets with splice(2) through a pair
 * of pipes, as pasta does (passt: {@code tcp_splice.c}). No frame crosses the tap and
 * jslirp's TCP engine is not involved; both ends are the kernel's own TCP.
 *
 * <p>Top down:
 * <ul>
 * <li>{@link dev.jslirp.splice.SplicedForwards}: takes connections from {@code TcpNat}'s
 *   forward listeners ({@code tcp.ForwardHandoff}), owns the slots, the cap, the connect
 *   timeouts, and reports to the flow table and audit log.</li>
 * <li>{@link dev.jslirp.splice.SplicedConnection}: one connection's two sockets, its
 *   lifecycle (connecting, splicing, ended or reset) and its epoll interest.</li>
 * <li>{@link dev.jslirp.splice.SpliceDirection}: one direction's pipe and the pump that
 *   moves bytes from a source socket through it to a destination socket, with back-pressure
 *   and half-close.</li>
 * <li>{@link dev.jslirp.splice.SocketSource} / {@link dev.jslirp.splice.NamespaceSockets}:
 *   sockets made inside the guest's namespace by a thread that lives there.</li>
 * </ul>
 * Opt-in: without it a forwarded connection reaches the guest from the gateway address (as
 * with slirp4netns, whose drop-in jslirp is); with it the guest sees it come from its own
 * address, which servers that log or filter peers notice.
 */
package dev.jslirp.splice;
