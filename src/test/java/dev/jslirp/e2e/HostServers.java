package dev.jslirp.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Servers on the host's 127.0.0.1 (port 0), which the guest reaches as 10.0.2.2. One
 * virtual thread per accepted connection; {@link #close()} closes every socket, which ends
 * all of them.
 */
public final class HostServers implements AutoCloseable {
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> sockets = new ArrayList<>();

    /** Sends the deterministic stream {@link #blobBytes(long, long)} to each connection, then closes. */
    public int blob(long length, long seed) {
        return tcp(s -> {
            try (OutputStream out = s.getOutputStream()) {
                SplittableRandom random = new SplittableRandom(seed);
                byte[] chunk = new byte[64 * 1024];
                for (long left = length; left > 0; ) {
                    int n = (int) Math.min(chunk.length, left);
                    fill(random, chunk, n);
                    out.write(chunk, 0, n);
                    left -= n;
                }
            }
        });
    }

    /** SHA-256 (hex) of what {@link #blob(long, long)} sends. */
    public static String blobSha256(long length, long seed) {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[64 * 1024];
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(chunk.length, left);
            fill(random, chunk, n);
            sha.update(chunk, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Writes what {@link #blob(long, long)} sends into {@code file}, for a guest to send back. */
    public static void writeBlob(java.nio.file.Path file, long length, long seed) {
        try (OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] chunk = new byte[64 * 1024];
            for (long left = length; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                fill(random, chunk, n);
                out.write(chunk, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fills the first {@code n} bytes of {@code chunk}; the stream depends only on the seed and chunking at 64 KiB. */
    static void fill(SplittableRandom random, byte[] chunk, int n) {
        for (int i = 0; i < n; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) chunk[i + j] = (byte) (v >>> (8 * j));
        }
    }

    /** What a sink received on one connection. */
    public record Received(long length, String sha256, Duration elapsed) {}

    /** A server that reads one connection to EOF; the future completes with what it got. */
    public final class Sink {
        private final int port;
        private final CompletableFuture<Received> first = new CompletableFuture<>();

        private Sink() {
            this.port = tcp(s -> {
                long startNs = System.nanoTime();
                MessageDigest sha = sha256();
                long total = 0;
                try (InputStream in = s.getInputStream()) {
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        sha.update(buf, 0, n);
                        total += n;
                    }
                }
                first.complete(new Received(total, HexFormat.of().formatHex(sha.digest()),
                        Duration.ofNanos(System.nanoTime() - startNs)));
            });
        }

        public int port() { return port; }

        public Received await(Duration timeout) {
            try {
                return first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("sink on port " + port + " received nothing complete within " + timeout);
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError(e);
            }
        }
    }

    public Sink sink() { return new Sink(); }

    /** Echoes everything back; closes its side after the client's EOF. */
    public int echo() {
        return tcp(s -> {
            try (InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                in.transferTo(out);
            }
        });
    }

    /**
     * Half-close peer: reads until the client shuts down its sending side, then replies
     * {@code "received N bytes sha256 HEX\n"} on the still-open other direction, then closes.
     */
    /** Reads one byte, answers it, closes first (so the backend sees the host close first). */
    public int replyAndClose() {
        return tcp(s -> {
            int b = s.getInputStream().read();
            if (b >= 0) s.getOutputStream().write(b);
            s.close();
        });
    }

    public int halfClose() {
        return tcp(s -> {
            MessageDigest sha = sha256();
            long total = 0;
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, n);
                total += n;
            }
            OutputStream out = s.getOutputStream();
            out.write(halfCloseReply(total, HexFormat.of().formatHex(sha.digest())).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.close();
        });
    }

    public static String halfCloseReply(long length, String sha256Hex) {
        return "received " + length + " bytes sha256 " + sha256Hex + "\n";
    }

    /** UDP echo server: each datagram goes back to its sender. */
    public int udpEcho() {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            register(socket);
            Thread.ofVirtual().name("e2e-udp-echo").start(() -> {
                byte[] buf = new byte[65535];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    } catch (IOException e) {
                        return;  // closed
                    }
                }
            });
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port on 127.0.0.1 that nothing listens on (bound, then released: racy only against other binders). */
    public static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free UDP port on 127.0.0.1, for UDP host forwards. */
    public static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Handler {
        void handle(Socket s) throws IOException;
    }

    private int tcp(Handler handler) {
        try {
            ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
            register(server);
            Thread.ofVirtual().name("e2e-accept-" + server.getLocalPort()).start(() -> {
                while (!server.isClosed()) {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (IOException e) {
                        return;  // closed
                    }
                    register(s);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (IOException e) {
                            // the guest went away: that test's assertion will say so
                        }
                    });
                }
            });
            return server.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void register(AutoCloseable c) {
        synchronized (sockets) {
            sockets.add(c);
        }
    }

    @Override
    public void close() {
        synchronized (sockets) {
            for (AutoCloseable c : sockets) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing is best effort
                }
            }
            sockets.clear();
        }
    }
}
