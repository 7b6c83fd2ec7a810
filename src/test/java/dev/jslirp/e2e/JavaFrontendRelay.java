package dev.jslirp.e2e;

import dev.jslirp.bhyve.frontend.SlirpHelper;
import dev.jslirp.os.Epoll;
import dev.jslirp.os.EpollEvents;
import dev.jslirp.os.Namespaces;
import dev.jslirp.os.Sys;
import dev.jslirp.os.Tap;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A bhyve-like parent built on the frontend library, run as its own process by
 * {@link BhyveJavaFrontendBackend}: {@code JavaFrontendRelay HELPER NETNS_PATH KEY=VALUE...}.
 * Spawns the helper with the options, creates tap0 in the namespace and relays frames both
 * ways until SIGTERM (then the library's close: SIGKILL + waitpid) or until the helper exits.
 */
public final class JavaFrontendRelay {
    private JavaFrontendRelay() {}

    public static void main(String[] args) {
        SlirpHelper.Builder b = SlirpHelper.builder().helper(Path.of(args[0]));
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            String k = args[i].substring(0, eq), v = args[i].substring(eq + 1);
            if (k.equals("vmname")) b.vmName(v); else b.option(k, v);
        }
        SlirpHelper helper = b.start();
        Runtime.getRuntime().addShutdownHook(new Thread(helper::close));
        Tap tap = Namespaces.runInNetns(args[1], () -> Tap.open("tap0", false));
        System.out.println("ready pid=" + helper.pid());
        int ep = Epoll.create();
        Epoll.add(ep, helper.fd(), Epoll.EPOLLIN | Epoll.EPOLLRDHUP, 0);
        Epoll.add(ep, tap.fd(), Epoll.EPOLLIN, 1);
        EpollEvents events = new EpollEvents(2);
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        long toHelper = 0, fromHelper = 0, dropped = 0;
        while (true) {
            int n = Epoll.wait(ep, events, -1);
            if (n < 0) continue;
            for (int i = 0; i < n; i++) {
                if (events.data(i) == 0) {
                    int len;
                    while ((len = helper.receive(buf, 0, SlirpHelper.MAX_FRAME_LENGTH)) > 0) {
                        if (Sys.write(tap.fd(), buf, 0, len) != len) dropped++;
                        fromHelper++;
                    }
                    if (len == SlirpHelper.CLOSED || (len == SlirpHelper.NOTHING && (events.events(i) & Epoll.EPOLLHUP) != 0)) {
                        System.err.println("helper gone: status " + helper.waitFor() + "; " + toHelper + " frames to helper, "
                                + fromHelper + " from helper, " + dropped + " dropped");
                        System.exit(3);
                    }
                } else {
                    int len;
                    while ((len = Sys.read(tap.fd(), buf, 0, buf.capacity())) > 0) {
                        if (helper.send(buf, 0, len) != len) dropped++;
                        toHelper++;
                    }
                }
            }
        }
    }
}
