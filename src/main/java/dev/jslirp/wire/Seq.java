package dev.jslirp.wire;

/**
 * TCP sequence number arithmetic modulo 2^32 (RFC 9293 §3.4). Sequence numbers are plain
 * {@code int}s; they are compared only through these methods, by signed difference.
 */
public final class Seq {
    private Seq() {}

    public static boolean lt(int a, int b) { return a - b < 0; }
    public static boolean le(int a, int b) { return a - b <= 0; }
    public static boolean gt(int a, int b) { return a - b > 0; }
    public static boolean ge(int a, int b) { return a - b >= 0; }

    /** {@code start <= seq < start + size}; an empty window holds nothing. */
    public static boolean inWindow(int seq, int start, int size) {
        return size > 0 && Integer.compareUnsigned(seq - start, size) < 0;
    }

    /** Distance from {@code from} to {@code to} (may be negative). */
    public static int diff(int to, int from) { return to - from; }

    public static int max(int a, int b) { return gt(a, b) ? a : b; }
    public static int min(int a, int b) { return lt(a, b) ? a : b; }
}
