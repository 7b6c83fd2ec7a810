/**
 * The frontend half of bhyve's slirp backend, for Java VMMs and tests: {@link
 * dev.jslirp.bhyve.frontend.SlirpHelper} spawns a {@code bhyve-slirp-helper}, sends it the
 * configuration nvlist and exchanges Ethernet frames with it over SOCK_SEQPACKET.
 */
package dev.jslirp.bhyve.frontend;
