package dev.jslirp.cli;

import dev.jslirp.os.Landlock;
import dev.jslirp.os.Privileges;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * slirp4netns's --enable-sandbox and --enable-seccomp mapped to jslirp's own confinement,
 * applied on the loop thread once everything is open (tap, sockets, files):
 * <ul>
 *   <li>both set PR_SET_NO_NEW_PRIVS: nothing we could exec gains privileges;</li>
 *   <li>--enable-sandbox does not (yet) add Landlock's no-file-access policy: the JVM opens files
 *       lazily long after start-up (java.security on dnsjava's first SecureRandom, class data),
 *       and a denied open kills the loop. slirp4netns instead pivots into a new mount namespace,
 *       which a multithreaded JVM cannot do. We log what was and was not applied;</li>
 *   <li>--enable-seccomp installs no syscall filter (yet): we say so rather than pretend.</li>
 * </ul>
 * Best effort, like passt's isolation: what the kernel lacks is logged, never fatal.
 */
final class Confinement {
    private static final Logger LOG = System.getLogger("jslirp");

    private Confinement() {}

    static void apply(boolean sandbox, boolean seccomp) {
        if (!sandbox && !seccomp) return;
        int r = Privileges.setNoNewPrivs();
        StringBuilder applied = new StringBuilder(r == 0 ? "no_new_privs" : "no_new_privs failed (errno " + -r + ")");
        if (sandbox) {
            applied.append(", landlock not applied (the JVM opens files lazily; see Confinement), Landlock ABI ")
                    .append(Landlock.abiVersion());
        }
        if (seccomp) applied.append(", seccomp: no syscall filter installed (not implemented)");
        LOG.log(Level.INFO, "confinement: " + applied);
    }
}
