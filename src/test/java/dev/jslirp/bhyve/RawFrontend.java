package dev.jslirp.bhyve;

import dev.jslirp.os.MsgHdr;
import dev.jslirp.os.NativeException;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Spawn;
import dev.jslirp.os.Sys;
import dev.jslirp.os.WaitStatus;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A test parent lower-level than the frontend library: chooses the helper's descriptor number,
 * passes extra descriptors, sends arbitrary bytes (golden vectors unchanged) and descriptor
 * packages as libnv's nvlist_send does.
 */
final class RawFrontend implements AutoCloseable {
    final int fd;
    final int pid;
    private int status = -1;

    private RawFrontend(int fd, int pid) {
        this.fd = fd;
        this.pid = pid;
    }

    /**
     * @param childFd    the helper's number for its end (passed as -S childFd)
     * @param extraFds   child number → our descriptor, inherited as well
     */
    static RawFrontend start(Path helper, int childFd, Map<Integer, Integer> extraFds, List<String> env) {
        int[] pair = new int[2];
        NativeException.check("socketpair", Sockets.socketpair(Sockets.AF_UNIX,
                Sockets.SOCK_SEQPACKET | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0, pair));
        Spawn.Request r = Spawn.Request.of(helper.toString(), List.of(helper.toString(), "-S", Integer.toString(childFd)))
                .withFd(childFd, pair[1]).withEnv(env);
        for (Map.Entry<Integer, Integer> e : extraFds.entrySet()) r = r.withFd(e.getKey(), e.getValue());
        try {
            return new RawFrontend(pair[0], Spawn.spawn(r));
        } finally {
            Sys.close(pair[1]);
        }
    }

    /** One record, flags 0, as nvlist_send() writes the packed list. */
    int send(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, bytes.length));
        b.put(0, bytes);
        return Sockets.send(fd, b, 0, bytes.length, Sockets.MSG_NOSIGNAL);
    }

    /** A 1-byte descriptor package with SCM_RIGHTS (nvlist_send's fd_send). */
    int sendDescriptors(int... fds) {
        MsgHdr m = new MsgHdr(1, fds.length);
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        m.clear().iov(one, 0, 1);
        for (int f : fds) m.fd(f);
        return Sockets.sendmsg(fd, m, Sockets.MSG_NOSIGNAL);
    }

    /** Waits up to {@code timeoutMs} for the helper to exit; the raw status, or -1 if it still runs. */
    int awaitExit(long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (status < 0) {
            int s = Spawn.waitpid(pid, Spawn.WNOHANG);
            if (s != WaitStatus.NOT_YET) {
                status = s;
                break;
            }
            if (System.nanoTime() > deadline) return -1;
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return status;
    }

    @Override
    public void close() {
        if (status < 0) {
            Spawn.kill(pid, Spawn.SIGKILL);
            awaitExit(10_000);
        }
        Sys.close(fd);
    }
}
