package dev.jslirp.bhyve;

import dev.jslirp.link.Link;
import java.util.Set;

/**
 * Everything the bhyve helper does that depends on the operating system, so that a port (to
 * FreeBSD: Capsicum, FreeBSD's SEQPACKET semantics) replaces one class. See docs/bhyve.md.
 * The steps are called in this order, each at most once, from the thread that will run the
 * event loop.
 */
public interface HelperPlatform {

    /**
     * The descriptors open right now that were inherited from the parent (not opened by the
     * runtime itself). Called first thing, before the helper opens anything.
     */
    Set<Integer> inheritedDescriptors();

    /**
     * Whether {@code fd} can be the helper's socket: null if so, else the reason
     * (strerror text), printed as {@code bhyve-slirp-helper: invalid socket ARG: REASON}.
     */
    String checkSocket(int fd);

    /**
     * Descriptor hygiene (contract spec §3): /dev/null on 0, 1 and 2; the socket moved to
     * descriptor 3 where possible; every other inherited descriptor closed.
     * @return the socket's descriptor from now on
     */
    int isolateDescriptors(int socketFd, Set<Integer> inherited) throws HelperFailure;

    /** A human-readable note about {@link #isolateDescriptors} (e.g. where the socket ended up), or "". */
    String isolationNote();

    /**
     * Reads exactly one packed nvlist, and the descriptors it announces, without consuming what
     * follows (wire spec §10.4). Blocks until it arrived or the parent hung up.
     * @return the packed bytes and descriptors, not yet decoded
     */
    PackedConfig receiveConfig(int socketFd) throws HelperFailure;

    /** The packed nvlist and the descriptors received with it (the caller closes them). */
    record PackedConfig(byte[] packed, int[] descriptors) {}

    /** The frame link over the socket, frames at most {@code maxFrameLength} bytes. */
    Link openLink(int socketFd, int maxFrameLength);

    /** Shows {@code name} as the process name (setproctitle on FreeBSD, comm on Linux). */
    void setProcessName(String name);

    /** True when running with the privileges to bind any port and switch users. */
    boolean isRoot();

    /** Becomes {@code user} for good (initgroups, setgid, setuid). @return a log line */
    String dropPrivileges(String user) throws HelperFailure;

    /**
     * The sandbox of restricted mode (bhyve: Capsicum's caph_enter), applied to the calling
     * thread, which must be the event-loop thread. Everything the loop needs must be open and
     * loaded already.
     * @return a log line saying what was applied and verified
     */
    String confine() throws HelperFailure;

    /** The platform of the running system. */
    static HelperPlatform current() {
        String os = System.getProperty("os.name", "");
        if (os.equals("Linux")) return new LinuxHelperPlatform();
        throw new UnsupportedOperationException("bhyve helper mode is implemented for Linux only, not " + os
                + " (see docs/bhyve.md for what a port needs)");
    }
}
