package dev.jslirp.link;

import static org.junit.jupiter.api.Assertions.*;

import dev.jslirp.os.Sys;
import dev.jslirp.os.UnixDatagram;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unix datagrams as QEMU's {@code -netdev dgram} sends them, against the real kernel. */
class QemuDgramLinkTest {
    @TempDir Path dir;
    private QemuDgramLink link;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(70000);

    @BeforeEach
    void open() { link = QemuDgramLink.bind(dir.resolve("jslirp.dgram").toString(), 1514); }

    @AfterEach
    void close() { link.close(); }

    private UnixDatagram vm(String name) { return UnixDatagram.bind(dir.resolve(name).toString()); }

    private void sendFrom(UnixDatagram vm, int length, int seed) {
        for (int i = 0; i < length; i++) buf.put(i, (byte) (seed + i));
        assertEquals(length, vm.sendTo(buf, 0, length, dev.jslirp.os.UnixSockAddr.of(link.path())));
    }

    private int receive() {
        assertTrue(Sys.poll(link.pollFd(), Sys.POLLIN, 5000) > 0, "readable");
        return link.receive(buf, 0, buf.capacity());
    }

    @Test
    void learnsTheVmFromItsFirstDatagramAndAnswersIt() {
        try (UnixDatagram vm = vm("qemu.dgram")) {
            assertFalse(link.send(buf, 0, 60), "nobody to send to yet");
            sendFrom(vm, 60, 1);
            assertEquals(60, receive());
            assertEquals(1, buf.get(0));
            assertEquals(dir.resolve("qemu.dgram").toString(), link.peerPath());
            buf.put(0, (byte) 99);
            assertTrue(link.send(buf, 0, 80));
            assertTrue(Sys.poll(vm.fd(), Sys.POLLIN, 5000) > 0);
            assertEquals(80, vm.receive(buf, 0, buf.capacity()));
            assertEquals(99, buf.get(0));
        }
    }

    @Test
    void vfkitHandshakeIsTooShortForAFrameButNamesThePeer() {
        try (UnixDatagram vm = vm("vfkit.dgram")) {
            buf.put(0, "VFKT".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            vm.sendTo(buf, 0, 4, dev.jslirp.os.UnixSockAddr.of(link.path()));
            assertEquals(Link.NOTHING, receive());
            assertEquals(1, link.framesDroppedTooShort);
            assertTrue(link.send(buf, 0, 60), "the peer is known");
        }
    }

    @Test
    void aNewSenderReplacesTheOldGuestAndResetsState() {
        try (UnixDatagram first = vm("first.dgram"); UnixDatagram second = vm("second.dgram")) {
            sendFrom(first, 60, 1);
            assertEquals(60, receive());
            sendFrom(second, 61, 2);
            assertEquals(Link.DISCONNECTED, receive());
            sendFrom(second, 62, 3);
            assertEquals(62, receive());
            assertTrue(link.send(buf, 0, 60));
            assertTrue(Sys.poll(second.fd(), Sys.POLLIN, 5000) > 0);
        }
    }

    @Test
    void oversizedDatagramsAreDroppedAndCounted() {
        try (UnixDatagram vm = vm("big.dgram")) {
            sendFrom(vm, 1515, 1);
            sendFrom(vm, 1514, 2);
            assertEquals(1514, receive());
            assertEquals(1, link.framesDroppedTooLong);
        }
    }

    @Test
    void aGoneVmIsForgotten() {
        UnixDatagram vm = vm("gone.dgram");
        sendFrom(vm, 60, 1);
        assertEquals(60, receive());
        vm.close();
        assertFalse(link.send(buf, 0, 60));
        assertEquals("", link.peerPath());
    }
}
