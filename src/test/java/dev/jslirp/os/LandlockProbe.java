package dev.jslirp.os;

/**
 * Run in a child JVM by {@link LandlockTest}: applies Landlock to its main thread, then
 * tries a file open and TCP binds, printing one {@code key=value} line per outcome.
 * Everything it needs after the restriction is loaded before it, since loading a class
 * from the (directory) class path means opening a file.
 */
public final class LandlockProbe {
    public static void main(String[] args) {
        int allowedPort = Integer.parseInt(args[0]);
        int before = Sys.open("/etc/hostname", Sys.O_RDONLY | Sys.O_CLOEXEC);
        if (before >= 0) Sys.close(before);
        int s1 = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
        int s2 = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
        Errno.name(0);
        Landlock.Report report = Landlock.apply(Landlock.Policy.noFiles().withTcpBind(allowedPort));
        int after = Sys.open("/etc/hostname", Sys.O_RDONLY | Sys.O_CLOEXEC);
        int bindAllowed = Sockets.bindInet(s1, Sockets.INADDR_LOOPBACK, allowedPort);
        int bindOther = Sockets.bindInet(s2, Sockets.INADDR_LOOPBACK, allowedPort + 1);
        System.out.println("report=" + report);
        System.out.println("abi=" + report.abi());
        System.out.println("applied=" + report.applied());
        System.out.println("net=" + report.handledNet());
        System.out.println("before=" + Errno.name(before < 0 ? before : 0));
        System.out.println("after=" + Errno.name(after < 0 ? after : 0));
        System.out.println("bindAllowed=" + Errno.name(bindAllowed));
        System.out.println("bindOther=" + Errno.name(bindOther));
        System.out.flush();
    }
}
