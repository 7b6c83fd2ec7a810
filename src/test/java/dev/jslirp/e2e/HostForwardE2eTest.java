package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Port forwards: the host connects to 127.0.0.1:hostPort and reaches a server in the guest. */
@Tag("e2e")
class HostForwardE2eTest extends E2eTestBase {
    private static final int GUEST_PORT = 8080;

    @Test
    void tcpForwardReachesGuestServer() {
        int hostPort = HostServers.closedPort();
        Guest guest = startGuest(BackendOptions.configured().withHostForward(HostForward.tcp(hostPort, GUEST_PORT)));
        GuestProcess server = guest.spawn("socat", "TCP4-LISTEN:" + GUEST_PORT + ",reuseaddr,fork", "PIPE");
        guest.netns().awaitListening("t", GUEST_PORT, Duration.ofSeconds(10));
        String[] got = new String[1];
        Await.until(() -> {
            got[0] = tcpRoundTrip(hostPort, "hello through hostfwd\n");
            return "hello through hostfwd\n".equals(got[0]);
        }, Duration.ofSeconds(15), "a TCP round trip via 127.0.0.1:" + hostPort + " (last reply: " + got[0] + ")\n"
                + server.describe());
    }

    @Test
    void udpForwardReachesGuestServer() throws IOException {
        int hostPort = HostServers.freeUdpPort();
        Guest guest = startGuest(BackendOptions.configured().withHostForward(HostForward.udp(hostPort, GUEST_PORT)));
        GuestProcess server = guest.spawn("socat", "UDP4-LISTEN:" + GUEST_PORT + ",reuseaddr,fork", "PIPE");
        guest.netns().awaitListening("u", GUEST_PORT, Duration.ofSeconds(10));
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(300);
            byte[] msg = "hello udp hostfwd".getBytes(StandardCharsets.US_ASCII);
            String[] got = new String[1];
            // UDP may lose the first datagram while the flow is set up: resend until answered.
            Await.until(() -> {
                try {
                    socket.send(new DatagramPacket(msg, msg.length, new InetSocketAddress(HostServers.LOOPBACK, hostPort)));
                    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                    socket.receive(reply);
                    got[0] = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
                    return true;
                } catch (SocketTimeoutException e) {
                    return false;
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(15), "a UDP echo via 127.0.0.1:" + hostPort + "\n" + server.describe());
            assertEquals("hello udp hostfwd", got[0]);
        }
    }

    /** Sends, half-closes, reads to EOF. Null on any error (the forward may not be ready). */
    private static String tcpRoundTrip(int port, String message) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HostServers.LOOPBACK, port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(message.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }
}
