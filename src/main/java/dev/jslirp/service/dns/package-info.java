/**
 * jslirp's own DNS names. Queries to the DNS address are NAT'd to the upstream resolver (so
 * truncation and TCP fallback behave as upstream does); before that,
 * {@link dev.jslirp.service.dns.DnsLocalResponder} answers the names in
 * {@link dev.jslirp.service.dns.DnsConfig} itself and, in restricted mode, refuses everything
 * else so that nothing leaves the helper. Parsing and building messages is dnsjava's job; this
 * is a control path, so it may allocate.
 */
package dev.jslirp.service.dns;
