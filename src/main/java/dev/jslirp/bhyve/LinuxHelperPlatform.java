package dev.jslirp.bhyve;

import dev.jslirp.link.Link;
import dev.jslirp.link.SeqpacketLink;
import dev.jslirp.os.Errno;
import dev.jslirp.os.Landlock;
import dev.jslirp.os.MsgHdr;
import dev.jslirp.os.NativeException;
import dev.jslirp.os.Privileges;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Linux: SEQPACKET with MSG_TRUNC (a record's real length is visible), /proc/self/fd,
 * setuid through glibc (which changes every thread), no_new_privs plus Landlock instead of
 * Capsicum.
 *
 * <h2>Which descriptors are inherited</h2>
 * A JVM has opened descriptors of its own before {@code main} runs (the runtime image
 * {@code lib/modules}, the application jar), and it must keep them, so {@code closefrom(4)}
 * is not an option. At the start we list /proc/self/fd and count as the runtime's only regular
 * files inside {@code java.home}, on the class path, or named {@code *.jar}/{@code *.jsa};
 * everything else (sockets, pipes, ttys, the VM's disk image, ...) was inherited and is closed. The launcher occupies descriptor 3
 * with /dev/null when it is free before it starts the JVM, so the runtime's files land above 3
 * and the socket can be moved to 3 as in the C helper; without the launcher (a JVM started
 * directly) 3 may be the runtime's, and the socket then goes to the lowest free number above it.
 */
final class LinuxHelperPlatform implements HelperPlatform {
    /** Descriptor number the C helper moves the socket to. */
    static final int SOCKET_FD = 3;
    /** Upper bound of a configuration record (Linux's default SEQPACKET record limit is about 208 KiB). */
    static final int MAX_CONFIG_LENGTH = NvListDecoder.MAX_TOTAL_LENGTH;

    private final Set<String> runtimeFiles = runtimeFiles();
    private String isolationNote = "";

    @Override
    public Set<Integer> inheritedDescriptors() {
        Set<Integer> inherited = new TreeSet<>();
        String self = "/proc/" + ProcessHandle.current().pid() + "/fd";
        List<Path> entries;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            entries = fds.toList();
        } catch (IOException e) {
            return inherited;
        }
        for (Path p : entries) {
            int fd;
            try {
                fd = Integer.parseInt(p.getFileName().toString());
            } catch (NumberFormatException e) {
                continue;
            }
            if (fd <= 2) continue;
            String target;
            try {
                target = Files.readSymbolicLink(p).toString();
            } catch (IOException e) {
                continue;   // the listing's own descriptor, already closed
            }
            if (target.equals(self) || isRuntimeFile(target)) continue;
            inherited.add(fd);
        }
        return inherited;
    }

    private boolean isRuntimeFile(String target) {
        if (!target.startsWith("/")) return false;
        String home = System.getProperty("java.home");
        if (home != null && target.startsWith(home + "/")) return true;
        // Jars named by a jar's Class-Path manifest attribute are opened by the runtime too.
        if (target.endsWith(".jar") || target.endsWith(".jsa")) return true;
        return runtimeFiles.contains(target);
    }

    /** Real paths of the class path and module path entries. */
    private static Set<String> runtimeFiles() {
        Set<String> files = new HashSet<>();
        for (String property : new String[] {"java.class.path", "jdk.module.path"}) {
            String value = System.getProperty(property);
            if (value == null) continue;
            for (String entry : value.split(File.pathSeparator)) {
                if (entry.isEmpty()) continue;
                try {
                    files.add(Path.of(entry).toRealPath().toString());
                } catch (IOException | RuntimeException e) {
                    files.add(Path.of(entry).toAbsolutePath().toString());
                }
            }
        }
        return files;
    }

    @Override
    public String checkSocket(int fd) {
        int flags = Sys.fcntl(fd, 1 /* F_GETFD */, 0);
        if (flags < 0) return Errno.strerror(flags);
        int type = Sockets.getsockopt(fd, Sockets.SOL_SOCKET, Sockets.SO_TYPE);
        if (type < 0) return Errno.strerror(type);
        if (type != Sockets.SOCK_SEQPACKET) return "not a SOCK_SEQPACKET socket (socket type " + type + ")";
        return null;
    }

    @Override
    public int isolateDescriptors(int socketFd, Set<Integer> inherited) throws HelperFailure {
        int devNull = Sys.open("/dev/null", Sys.O_RDWR);
        if (devNull < 0) throw new HelperFailure(1, "/dev/null: " + Errno.strerror(devNull));
        for (int std = 0; std <= 2; std++) {
            if (devNull != std && Sys.dup2(devNull, std) < 0) throw new HelperFailure(1, "dup2 /dev/null to " + std);
        }
        int sock = socketFd;
        if (socketFd != SOCKET_FD) {
            boolean threeIsOurs = inherited.contains(SOCKET_FD) || Sys.fcntl(SOCKET_FD, 1 /* F_GETFD */, 0) < 0;
            if (threeIsOurs) {
                int r = Sys.dup2(socketFd, SOCKET_FD);
                if (r < 0) throw new HelperFailure(1, "dup2 socket to 3: " + Errno.strerror(r));
                sock = SOCKET_FD;
            } else {
                // Started without the launcher: 3 belongs to the runtime. Any free number will do.
                int r = Sys.fcntl(socketFd, 0 /* F_DUPFD */, SOCKET_FD);
                if (r < 0) throw new HelperFailure(1, "dup socket: " + Errno.strerror(r));
                sock = r;
                isolationNote = "descriptor 3 is the Java runtime's, socket moved to " + sock + " instead";
            }
        }
        for (int fd : inherited) {
            if (fd != sock && fd > 2) Sys.close(fd);
        }
        if (socketFd != sock && socketFd > 2) Sys.close(socketFd);
        if (devNull > 2 && devNull != sock) Sys.close(devNull);
        return sock;
    }

    @Override
    public String isolationNote() { return isolationNote; }

    /**
     * Wire spec §10.4 on Linux: the nvlist is one record. Peek with MSG_TRUNC for the record's
     * real length and its first 19 bytes; the record must be exactly as long as the header
     * announces (a shorter one is malformed; reading on would swallow a frame). Then take the
     * record with recvmsg (MSG_TRUNC there would mean it changed under us), then the
     * descriptor packages libnv sends after it (1-byte records with SCM_RIGHTS).
     */
    @Override
    public PackedConfig receiveConfig(int fd) throws HelperFailure {
        ByteBuffer header = ByteBuffer.allocateDirect(NvListFraming.HEADER_LENGTH);
        int recordLength;
        while (true) {
            int ready = Sys.poll(fd, Sys.POLLIN | Sys.POLLRDHUP, -1);
            if (ready == -Errno.EINTR) continue;
            if (ready < 0) throw new HelperFailure(1, "poll: " + Errno.strerror(ready));
            recordLength = Sockets.recv(fd, header, 0, header.capacity(),
                    Sockets.MSG_PEEK | Sockets.MSG_TRUNC | Sockets.MSG_DONTWAIT);
            if (recordLength == -Errno.EAGAIN || recordLength == -Errno.EINTR) {
                if ((ready & (Sys.POLLHUP | Sys.POLLRDHUP)) != 0) {
                    throw new HelperFailure(1, "nvlist_recv: parent process closed connection");
                }
                continue;
            }
            break;
        }
        if (recordLength < 0) throw new HelperFailure(1, "nvlist_recv: " + Errno.strerror(recordLength));
        if (recordLength == 0) throw new HelperFailure(1, "nvlist_recv: end of file before the configuration");
        byte[] head = new byte[Math.min(recordLength, NvListFraming.HEADER_LENGTH)];
        header.get(0, head);
        int total;
        int descriptors;
        try {
            total = NvListFraming.totalLength(head);
            descriptors = NvListFraming.descriptorCount(head);
        } catch (NvListException e) {
            throw new HelperFailure(1, "nvlist_recv: " + e.getMessage(), e);
        }
        if (recordLength != total) {
            throw new HelperFailure(1, "nvlist_recv: the configuration record is " + recordLength
                    + " bytes but its header announces " + total);
        }
        ByteBuffer body = ByteBuffer.allocateDirect(total);
        MsgHdr msg = new MsgHdr(1, 0);
        msg.clear().iov(body, 0, total);
        int n = Sockets.recvmsg(fd, msg, Sockets.MSG_DONTWAIT);
        if (n != total || (msg.flags() & Sockets.MSG_TRUNC) != 0) {
            throw new HelperFailure(1, "nvlist_recv: short or truncated configuration record (" + n + " of " + total + ")");
        }
        byte[] packed = new byte[total];
        body.get(0, packed);
        return new PackedConfig(packed, receiveDescriptors(fd, descriptors));
    }

    private static int[] receiveDescriptors(int fd, int count) throws HelperFailure {
        int[] fds = new int[count];
        int got = 0;
        MsgHdr msg = new MsgHdr(1, NvListFraming.MAX_DESCRIPTORS);
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        try {
            while (got < count) {
                int ready = Sys.poll(fd, Sys.POLLIN, -1);
                if (ready == -Errno.EINTR) continue;
                msg.clear().iov(one, 0, 1);
                int n = Sockets.recvmsg(fd, msg, Sockets.MSG_DONTWAIT);
                if (n == -Errno.EAGAIN || n == -Errno.EINTR) continue;
                if (n <= 0) throw new HelperFailure(1, "nvlist_recv: descriptors: " + (n == 0 ? "end of file" : Errno.strerror(n)));
                int k = msg.receivedFdCount();
                if (k == 0 || (msg.flags() & Sockets.MSG_CTRUNC) != 0 || got + k > count) {
                    for (int i = 0; i < k; i++) Sys.close(msg.receivedFd(i));
                    throw new HelperFailure(1, "nvlist_recv: descriptor package does not match the " + count + " announced");
                }
                for (int i = 0; i < k; i++) fds[got++] = msg.receivedFd(i);
            }
            return fds;
        } catch (HelperFailure e) {
            for (int i = 0; i < got; i++) Sys.close(fds[i]);
            throw e;
        }
    }

    @Override
    public Link openLink(int socketFd, int maxFrameLength) {
        return new SeqpacketLink(socketFd, maxFrameLength);
    }

    @Override
    public void setProcessName(String name) {
        Privileges.setProcessName(name);
    }

    @Override
    public boolean isRoot() { return Privileges.geteuid() == 0; }

    @Override
    public String dropPrivileges(String user) throws HelperFailure {
        try {
            Privileges.User u = Privileges.dropTo(user);
            return "dropped privileges to " + u.name() + " (uid " + u.uid() + ", gid " + u.gid() + ")";
        } catch (RuntimeException e) {
            throw new HelperFailure(1, "cannot drop privileges to " + user + ": " + e.getMessage(), e);
        }
    }

    /**
     * no_new_privs, then Landlock: no file access at all, and no TCP bind or connect (restricted
     * mode reaches nothing outside; forwarded ports are bound already). Then checks the result
     * from inside: opening /dev/null and connecting to 127.0.0.1:9 must both be refused.
     * A kernel without Landlock leaves no_new_privs only, and the line says so.
     */
    @Override
    public String confine() throws HelperFailure {
        int r = Privileges.setNoNewPrivs();
        if (r < 0) throw new HelperFailure(1, "prctl(PR_SET_NO_NEW_PRIVS): " + Errno.strerror(r));
        Landlock.Report report;
        try {
            report = Landlock.apply(Landlock.Policy.noFiles().withTcpBind().withTcpConnect());
        } catch (NativeException e) {
            throw new HelperFailure(1, "landlock: " + e.getMessage(), e);
        }
        return "confined: no_new_privs, " + report + "; check: open /dev/null " + probeOpen()
                + ", tcp connect 127.0.0.1:9 " + probeConnect();
    }

    private static String probeOpen() {
        int fd = Sys.open("/dev/null", Sys.O_RDONLY | Sys.O_CLOEXEC);
        if (fd >= 0) {
            Sys.close(fd);
            return "allowed";
        }
        return "denied (" + Errno.name(fd) + ")";
    }

    private static String probeConnect() {
        int s = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
        if (s < 0) return "socket failed (" + Errno.name(s) + ")";
        try {
            int r = Sockets.connectInet(s, Sockets.INADDR_LOOPBACK, 9);
            if (r == -Errno.EACCES || r == -Errno.EPERM) return "denied (" + Errno.name(r) + ")";
            return "allowed (" + (r == 0 ? "connected" : Errno.name(r)) + ")";
        } finally {
            Sys.close(s);
        }
    }
}
