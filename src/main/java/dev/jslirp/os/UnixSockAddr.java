package dev.jslirp.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * A reusable native {@code struct sockaddr_un} and its length. A path starting with
 * {@code '@'} names a Linux abstract socket (no file; the '@' stands for the leading NUL,
 * as in {@code ss} output). Setting a path allocates; sending to or receiving into an
 * already prepared holder does not.
 */
public final class UnixSockAddr {
    static final int LEN_OFFSET = 112; // socklen_t after the 110-byte sockaddr_un, aligned
    final MemorySegment segment;
    final long address;

    public UnixSockAddr() {
        segment = Arena.ofAuto().allocate(LEN_OFFSET + 8, 8);
        address = segment.address();
        segment.set(Native.SHORT, 0, (short) Abi.AF_UNIX);
        segment.set(Native.INT, LEN_OFFSET, 2);
    }

    public static UnixSockAddr of(String path) {
        return new UnixSockAddr().set(path);
    }

    /** Sets a filesystem path, or an abstract name when it starts with '@'. */
    public UnixSockAddr set(String path) {
        boolean isAbstract = path.startsWith("@");
        byte[] bytes = (isAbstract ? path.substring(1) : path).getBytes(StandardCharsets.UTF_8);
        // 107 bytes either way: a path needs its NUL, an abstract name its leading NUL.
        int max = Abi.SUN_PATH_LENGTH - 1;
        if (bytes.length > max || (!isAbstract && bytes.length == 0)) {
            throw new IllegalArgumentException("unix socket path too long or empty: " + path);
        }
        segment.fill((byte) 0);
        segment.set(Native.SHORT, 0, (short) Abi.AF_UNIX);
        int start = Abi.SUN_PATH_OFFSET + (isAbstract ? 1 : 0);
        MemorySegment.copy(bytes, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, start, bytes.length);
        // Abstract names are exactly as long as given; paths include their NUL.
        int length = isAbstract ? start + bytes.length : start + bytes.length + 1;
        segment.set(Native.INT, LEN_OFFSET, length);
        return this;
    }

    void prepareForResult() {
        segment.set(Native.INT, LEN_OFFSET, Abi.SOCKADDR_UN_LENGTH);
    }

    int length() {
        return segment.get(Native.INT, LEN_OFFSET);
    }

    /** Makes this holder name the same socket as {@code other} (no allocation). */
    public UnixSockAddr copyFrom(UnixSockAddr other) {
        MemorySegment.copy(other.segment, 0, segment, 0, segment.byteSize());
        return this;
    }

    /** True when both holders name the same socket (compares the address bytes; no allocation). */
    public boolean sameAs(UnixSockAddr other) {
        int length = Math.min(length(), Abi.SOCKADDR_UN_LENGTH);
        if (length != Math.min(other.length(), Abi.SOCKADDR_UN_LENGTH)) return false;
        return MemorySegment.mismatch(segment, 0, length, other.segment, 0, length) == -1;
    }

    /** True when the last received sender had no address (an unbound socket). */
    public boolean isUnnamed() {
        return length() <= Abi.SUN_PATH_OFFSET;
    }

    /** The path, "@name" for an abstract socket, "" when unnamed. Allocates. */
    public String path() {
        int length = Math.min(length(), Abi.SOCKADDR_UN_LENGTH);
        if (length <= Abi.SUN_PATH_OFFSET) return "";
        if (segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, Abi.SUN_PATH_OFFSET) == 0) {
            byte[] b = new byte[length - Abi.SUN_PATH_OFFSET - 1];
            MemorySegment.copy(segment, java.lang.foreign.ValueLayout.JAVA_BYTE, Abi.SUN_PATH_OFFSET + 1, b, 0, b.length);
            return "@" + new String(b, StandardCharsets.UTF_8);
        }
        return segment.getString(Abi.SUN_PATH_OFFSET);
    }

    @Override
    public String toString() {
        return path();
    }
}
