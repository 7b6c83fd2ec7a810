package dev.jslirp.control;

import dev.jslirp.host.EventLoop;
import dev.jslirp.host.Kinds;
import dev.jslirp.os.Epoll;
import dev.jslirp.os.Errno;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The API socket (slirp4netns's {@code --api-socket}): a unix stream listener in the event
 * loop. Each connection carries one request: the client writes its JSON and shuts its write
 * side (or ends the line); we reply and close. Requests are limited to 4096 bytes, as
 * slirp4netns's are. A request is served within one loop turn, so a forward added or removed
 * takes effect before the next guest frame.
 *
 * <p>Few connections at a time ({@link #MAX_CLIENTS}); one more is closed at once. Replies
 * that do not fit the socket buffer are finished when it drains (EPOLLOUT).
 */
public final class ApiServer implements AutoCloseable {
    static final int MAX_REQUEST = 4096, MAX_CLIENTS = 8;

    private final EventLoop loop;
    private final ApiHandler handler;
    private final String path;
    private final int listenFd;
    private final int[] fd = new int[MAX_CLIENTS];
    private final ByteBuffer[] in = new ByteBuffer[MAX_CLIENTS];
    private final int[] inLength = new int[MAX_CLIENTS];
    private final ByteBuffer[] out = new ByteBuffer[MAX_CLIENTS];
    private final int[] outPosition = new int[MAX_CLIENTS];
    public long requests, clientsRefused;

    private ApiServer(EventLoop loop, ApiHandler handler, String path, int listenFd) {
        this.loop = loop;
        this.handler = handler;
        this.path = path;
        this.listenFd = listenFd;
        java.util.Arrays.fill(fd, -1);
        loop.handler(Kinds.API_LISTENER, (i, events, nowNs) -> onAccept());
        loop.handler(Kinds.API_CLIENT, this::onClient);
        loop.register(listenFd, Epoll.EPOLLIN, Kinds.API_LISTENER, 0);
    }

    /** Binds and listens on {@code path}. @throws IllegalStateException naming the path and the reason */
    public static ApiServer listen(EventLoop loop, ApiHandler handler, String path) {
        int s = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
        if (s < 0) throw new IllegalStateException("api socket: " + Errno.strerror(-s));
        int r = Sockets.bindUnix(s, path);
        if (r >= 0) r = Sockets.listen(s, 16);
        if (r < 0) {
            Sys.close(s);
            throw new IllegalStateException("cannot listen on API socket " + path + ": " + Errno.strerror(-r));
        }
        return new ApiServer(loop, handler, path, s);
    }

    public String path() { return path; }

    private void onAccept() {
        while (true) {
            int c = Sockets.accept4(listenFd, Sockets.NONBLOCK_CLOEXEC);
            if (c < 0) return;
            int slot = freeSlot();
            if (slot < 0) {
                clientsRefused++;
                Sys.close(c);
                continue;
            }
            fd[slot] = c;
            if (in[slot] == null) in[slot] = ByteBuffer.allocateDirect(MAX_REQUEST);
            inLength[slot] = 0;
            out[slot] = null;
            loop.register(c, Epoll.EPOLLIN | Epoll.EPOLLRDHUP, Kinds.API_CLIENT, slot);
        }
    }

    private int freeSlot() {
        for (int i = 0; i < MAX_CLIENTS; i++) if (fd[i] < 0) return i;
        return -1;
    }

    private void onClient(int slot, int events, long nowNs) {
        if (fd[slot] < 0) return;
        if (out[slot] != null) {
            flush(slot);
            return;
        }
        while (true) {
            int room = MAX_REQUEST - inLength[slot];
            int n = room == 0 ? 0 : Sys.read(fd[slot], in[slot], inLength[slot], room);
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) return;
            if (n < 0) {
                closeClient(slot);
                return;
            }
            int start = inLength[slot];
            inLength[slot] += n;
            boolean newline = false;
            for (int i = start; i < inLength[slot] && !newline; i++) newline = in[slot].get(i) == '\n';
            if (n == 0 || newline || inLength[slot] == MAX_REQUEST) {
                serve(slot, nowNs);
                return;
            }
        }
    }

    private void serve(int slot, long nowNs) {
        requests++;
        byte[] bytes = new byte[inLength[slot]];
        in[slot].get(0, bytes);
        String reply = inLength[slot] == MAX_REQUEST && bytes[bytes.length - 1] != '\n'
                ? "{\"error\":{\"desc\":\"bad request: too large (max " + (MAX_REQUEST - 1) + " bytes)\"}}"
                : handler.handle(new String(bytes, StandardCharsets.UTF_8).trim(), nowNs);
        byte[] r = (reply + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocateDirect(r.length);
        b.put(0, r);
        out[slot] = b;
        outPosition[slot] = 0;
        flush(slot);
    }

    private void flush(int slot) {
        ByteBuffer b = out[slot];
        while (outPosition[slot] < b.capacity()) {
            int n = Sys.write(fd[slot], b, outPosition[slot], b.capacity() - outPosition[slot]);
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
                loop.modify(fd[slot], Epoll.EPOLLOUT, Kinds.API_CLIENT, slot);
                return;
            }
            if (n < 0) break;
            outPosition[slot] += n;
        }
        closeClient(slot);
    }

    private void closeClient(int slot) {
        loop.unregister(fd[slot]);
        Sys.close(fd[slot]);
        fd[slot] = -1;
        out[slot] = null;
    }

    @Override
    public void close() {
        for (int i = 0; i < MAX_CLIENTS; i++) if (fd[i] >= 0) closeClient(i);
        loop.unregister(listenFd);
        Sys.close(listenFd);
        try {
            Files.deleteIfExists(Path.of(path));
        } catch (Exception e) {
            // sandboxed (Landlock) or already gone: the creator removes it
        }
    }
}
