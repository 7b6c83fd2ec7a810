package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.link.TapLink;
import dev.jslirp.os.MsgHdr;
import dev.jslirp.os.Sockets;
import java.nio.ByteBuffer;

/**
 * The other half of rootless {@code jslirp run}: a short-lived JVM started by
 * {@code nsenter --user --net} inside the guest's user and network namespaces (which
 * nsenter, being single-threaded, may enter; the jslirp JVM may not), so it holds
 * CAP_NET_ADMIN there. It creates and configures the tap exactly as root mode does, passes
 * the descriptor back over the socket on fd 3 (SCM_RIGHTS) and exits.
 *
 * <p>Arguments: TAPNAME MTU GUEST_ADDR|0 OFFLOADS(true|false).
 */
public final class TapOpener {
    /** The socket to jslirp, as mapped by the parent. */
    static final int SOCKET_FD = 3;

    private TapOpener() {}

    public static void main(String[] args) {
        try {
            String name = args[0];
            Config.Builder b = Config.builder();
            b.mtu = Integer.parseInt(args[1]);
            b.dnsUpstream = new dev.jslirp.config.SocketAddressV4(dev.jslirp.wire.Ipv4Address.LOOPBACK, 53);
            int guestAddr = (int) Long.parseLong(args[2]);
            boolean offloads = Boolean.parseBoolean(args[3]);
            TapLink tap = GuestTap.create(name, b.build(), guestAddr, offloads);
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            one.put(0, (byte) 'T');
            MsgHdr msg = new MsgHdr(1, 1).iov(one, 0, 1).fd(tap.pollFd());
            int r = Sockets.sendmsg(SOCKET_FD, msg, 0);
            if (r != 1) {
                System.err.println("jslirp tap opener: sending the tap descriptor failed: " + r);
                System.exit(1);
            }
            System.exit(0);
        } catch (RuntimeException e) {
            System.err.println("jslirp tap opener: " + e.getMessage());
            System.exit(1);
        }
    }
}
