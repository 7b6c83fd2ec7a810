/**
 * The gateway's DHCP server (RFC 2131, options RFC 2132/3397), as pure logic.
 *
 * <p>Layers, top down: {@link dev.jslirp.service.dhcp.DhcpServer} decides what to answer (one
 * method per message type, RFC 2131 §4.3) and where the answer goes (§4.1);
 * {@link dev.jslirp.service.dhcp.LeasePool} keeps the addresses in flat arrays with lazy expiry;
 * {@link dev.jslirp.service.dhcp.DhcpConfig} is the validated, immutable configuration and
 * {@link dev.jslirp.service.dhcp.DomainSearchOption} the start-up-time name encodings. Bytes are
 * read and written through {@link dev.jslirp.wire.DhcpMessage}. No sockets, no clock, no
 * allocation per message: the interface layer passes the UDP payload, the source MAC and
 * {@code nowNs}, and sends back what it is given.
 */
package dev.jslirp.service.dhcp;
