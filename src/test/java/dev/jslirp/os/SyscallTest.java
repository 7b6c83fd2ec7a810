package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plain syscalls go through libc's syscall(2), two handles of one shape (Native, "One
 * shape for the plain syscalls"). Each test here fails if that mechanism is wrong: errno
 * read from the wrong place or kept from an earlier call, an argument in the wrong register
 * or stack slot, one handle used for the other, or a binding that links a handle of its own.
 */
class SyscallTest {
    private final List<Integer> fds = new ArrayList<>();

    private int track(int fd) {
        assertTrue(fd >= 0, () -> "expected a descriptor, got " + Errno.name(fd));
        fds.add(fd);
        return fd;
    }

    @AfterEach
    void closeAll() {
        for (int fd : fds) Sys.close(fd);
    }

    @Test
    void aFailingCallReturnsMinusErrnoThroughEitherHandle() {
        assertEquals(-Errno.EBADF, Sys.close(-1));                    // the blocking handle
        assertEquals(-Errno.EBADF, Sys.fcntl(-1, Abi.F_GETFL, 0));    // the critical one
        assertEquals(-Errno.ENOENT, Sys.open("/nonexistent/jslirp-syscall-test", Sys.O_RDONLY));
    }

    @Test
    void readingAnEmptyNonBlockingPipeGivesEagainThenTheBytesOnceWritten() {
        int[] p = new int[2];
        assertEquals(0, Sys.pipe2(p, Sys.O_NONBLOCK | Sys.O_CLOEXEC));
        track(p[0]);
        track(p[1]);
        ByteBuffer buf = ByteBuffer.allocateDirect(16);
        assertEquals(-Errno.EAGAIN, Sys.read(p[0], buf, 0, 16));
        buf.put(0, (byte) 42);
        assertEquals(1, Sys.write(p[1], buf, 0, 1));
        buf.put(0, (byte) 0);
        assertEquals(1, Sys.read(p[0], buf, 3, 16 - 3));
        assertEquals(42, buf.get(3));
        assertEquals(1, Sys.isNonBlocking(p[0]));
    }

    @Test
    void aSuccessAfterAFailureIsNotReadAsAnError() {
        int fd = track(Sys.eventfd(0, Sys.EFD_NONBLOCK | Sys.EFD_CLOEXEC));
        assertEquals(-Errno.EBADF, Sys.close(-1));  // errno is now EBADF ...
        assertEquals(1, Sys.isNonBlocking(fd));     // ... and F_GETFL succeeds all the same
        assertEquals(0, Sys.setNonBlocking(fd, false));
        assertEquals(0, Sys.isNonBlocking(fd));
    }

    @Test
    void theFifthAndSixthArgumentsReachTheKernel() {
        // sendto/recvfrom take six arguments; syscall(2) passes the sixth on the stack. A lost
        // address length would fail sendto on an unconnected socket (EDESTADDRREQ) or leave
        // the sender unnamed.
        String name = "@jslirp-syscall-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        int receiver = track(Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.NONBLOCK_CLOEXEC, 0));
        int sender = track(Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.NONBLOCK_CLOEXEC, 0));
        assertEquals(0, Sockets.bindUnix(receiver, name));
        assertEquals(0, Sockets.bindUnix(sender, name + "-from"));
        ByteBuffer buf = ByteBuffer.allocateDirect(64);
        buf.put(0, "ping".getBytes());
        assertEquals(4, Sockets.sendto(sender, buf, 0, 4, Sockets.MSG_NOSIGNAL, UnixSockAddr.of(name)));
        UnixSockAddr from = new UnixSockAddr();
        assertEquals(4, Sockets.recvfrom(receiver, buf, 8, 56, 0, from));
        assertEquals(name + "-from", from.path());
        assertEquals(-Errno.EAGAIN, Sockets.recvfrom(receiver, buf, 8, 56, 0, from));
        // and through the critical handle: setsockopt and getsockopt have five.
        assertEquals(0, Sockets.setsockopt(sender, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, 65536));
        assertTrue(Sockets.getsockopt(sender, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF) >= 65536);
        int[] p = new int[2];
        assertEquals(0, Sys.pipe2(p, Sys.O_CLOEXEC));
        track(p[0]);
        track(p[1]);
        assertEquals(-Errno.ENOTSOCK, Sockets.getsockopt(p[0], Sockets.SOL_SOCKET, Sockets.SO_TYPE));
    }

    @Test
    void epollReturnsTheRegisteredDataOfAReadyDescriptor() {
        int epfd = track(Epoll.create());
        int efd = track(Sys.eventfd(0, Sys.EFD_NONBLOCK | Sys.EFD_CLOEXEC));
        long data = 0x7766_5544_3322_1100L;
        assertEquals(0, Epoll.add(epfd, efd, Epoll.EPOLLIN, data));
        assertEquals(-Errno.EEXIST, Epoll.add(epfd, efd, Epoll.EPOLLIN, data));
        EpollEvents events = new EpollEvents(4);
        assertEquals(0, Epoll.wait(epfd, events, 0));
        ByteBuffer one = ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.nativeOrder()).putLong(0, 1);
        assertEquals(8, Sys.write(efd, one, 0, 8));
        assertEquals(1, Epoll.wait(epfd, events, 1000));
        assertEquals(data, events.data(0));
        assertEquals(Epoll.EPOLLIN, events.events(0));
    }

    @Test
    void mmapGivesZeroedPageAlignedMemoryThatMunmapFrees() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = NativeMemory.allocate(1 << 16, arena);
            assertEquals(0, m.address() & 4095, "page aligned");
            assertEquals(0, m.get(ValueLayout.JAVA_LONG, 1 << 15), "zeroed");
            m.set(ValueLayout.JAVA_LONG, (1 << 16) - 8, 0x1234_5678_9abcL);
            assertEquals(0x1234_5678_9abcL, m.get(ValueLayout.JAVA_LONG, (1 << 16) - 8));
        } // munmap
    }

    @Test
    void thePlainSyscallBindingsKeepNoHandlesOfTheirOwn() throws Exception {
        for (Class<?> binding : new Class<?>[] {Sys.class, Sockets.class, Epoll.class, Namespaces.class,
                NativeMemory.class, Landlock.class}) {
            for (Class<?> nested : binding.getDeclaredClasses()) {
                for (Field f : nested.getDeclaredFields()) {
                    assertFalse(f.getName().equals("HANDLE"), nested.getName() + " links a downcall of its own;"
                            + " a plain syscall goes through Native.syscall or Native.syscallCritical");
                }
            }
        }
        // The two handles Native keeps for them have one type: one FunctionDescriptor.
        MethodHandle plain = handle("Syscall"), critical = handle("SyscallCritical");
        assertEquals(plain.type(), critical.type());
        assertEquals(8, plain.type().parameterCount(), "errno segment, number, six arguments");
    }

    private static MethodHandle handle(String holder) throws Exception {
        Field f = Class.forName(Native.class.getName() + "$" + holder).getDeclaredField("HANDLE");
        f.setAccessible(true);
        return (MethodHandle) f.get(null);
    }
}
