/**
 * The only package that reaches the operating system, through java.lang.foreign (FFM): no
 * JNI, no native build step. Linux x86_64 today; every number of that ABI (errno values,
 * flags, ioctl requests, syscall numbers, struct offsets) lives in one package-private
 * class, {@code Abi}, and the public classes re-export what callers need
 * ({@code Sockets.AF_INET}, {@code Errno.EAGAIN}). docs/os-port.md lists what a FreeBSD
 * port changes.
 *
 * <h2>Theory of operation</h2>
 *
 * <p><b>Two error conventions, by kind of call.</b> Calls the event loop makes
 * ({@link dev.jslirp.os.Sys}, {@link dev.jslirp.os.Sockets}, {@link dev.jslirp.os.Epoll},
 * {@link dev.jslirp.os.UnixDatagram} I/O, kill/waitpid, prctl...) return {@code >= 0} on
 * success or {@code -errno} on failure and never throw for an OS error: EAGAIN, ECONNREFUSED
 * or EPIPE are ordinary outcomes there. One-off set-up steps ({@link dev.jslirp.os.Tap#open},
 * {@link dev.jslirp.os.NetConfig}, {@link dev.jslirp.os.Namespaces#open},
 * {@link dev.jslirp.os.Spawn#spawn}, {@link dev.jslirp.os.Privileges#dropTo}) throw
 * {@link dev.jslirp.os.NativeException} whose message names the operation, the strerror
 * text and the errno name, so the CLI prints one clear line. {@link dev.jslirp.os.Landlock}
 * returns a report instead: sandboxing is best effort. A Java exception from a wrapper is
 * our bug (bad offsets: IndexOutOfBoundsException; a broken binding: AssertionError).
 *
 * <p><b>syscall(2) by number.</b> Where glibc's function is a thin wrapper of one Linux
 * syscall (read, write, close, fcntl, ioctl, socket calls, epoll, setns, mmap...), the
 * binding calls libc's {@code syscall(long number, ...)} with the number from {@code Abi}:
 * one downcall shape, linked twice (critical and not), instead of one per signature, since a
 * young JVM spends milliseconds linking each distinct shape (see {@code Native}). posix_spawn,
 * getpwnam, strerror and glibc's all-threads setuid/setgid/setgroups keep their own handles.
 *
 * <p><b>errno without allocation.</b> Every downcall that can fail is linked with
 * {@code Linker.Option.captureCallState("errno")}. The segment the linker writes errno
 * into is allocated once per thread (a ThreadLocal "scratch" that also holds a few hundred
 * bytes for out-parameters such as socklen_t, an option value or a pollfd).
 *
 * <p><b>The per-packet path allocates nothing.</b> read, write, send, recv, sendto,
 * recvfrom, sendmsg, recvmsg and epoll_wait take direct ByteBuffers with explicit
 * offset/length (position and limit are ignored) or raw addresses from
 * {@link dev.jslirp.os.Sys#address}. Every argument of the syscall downcall, pointers too, is
 * a {@code JAVA_LONG}, so no MemorySegment is made per call; the ByteBuffer overloads find the
 * address in a small per-thread cache. Addresses and peers go through reusable holders
 * ({@link dev.jslirp.os.InetSockAddr}, {@link dev.jslirp.os.UnixSockAddr},
 * {@link dev.jslirp.os.MsgHdr}, {@link dev.jslirp.os.EpollEvents}).
 * ZeroAllocationTest checks this with ThreadMXBean.
 *
 * <p><b>critical downcalls.</b> Short calls that cannot block (fcntl, epoll_ctl,
 * get/setsockopt, socket, FIONREAD, mmap...) go through the syscall handle linked
 * {@code critical(false)}: no thread-state transition. read/write/send/recv/close/epoll_wait
 * do not: a caller may use them on a blocking descriptor, and a thread blocked inside a
 * critical call holds up every GC.
 *
 * <p><b>Threads.</b> setns, unshare, PR_SET_NO_NEW_PRIVS, PR_SET_NAME and Landlock (before
 * ABI 8) affect only the calling thread; {@link dev.jslirp.os.Namespaces#runInNetns} uses a
 * throw-away thread so no JVM thread is ever moved. setuid/setgid go through glibc, which
 * applies them to all threads.
 */
package dev.jslirp.os;
