package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * The Internet checksum (RFC 1071), the only ones'-complement sum in jslirp.
 *
 * <p>Sums are carried as a plain {@code int} accumulator of 16-bit words; {@link #fold}
 * turns an accumulator into the 16-bit value that goes into a header. Pseudo-headers
 * (RFC 793 §3.1, RFC 768) are added with {@link #pseudoHeaderV4}, so TCP and UDP never
 * assemble a pseudo-header in memory.
 */
public final class Checksum {
    private Checksum() {}

    /** Adds {@code length} bytes at {@code offset} to {@code sum}; an odd last byte is padded with zero. */
    public static int add(int sum, ByteBuffer buf, int offset, int length) {
        long acc = sum & 0xFFFFFFFFL;
        int i = offset;
        int end = offset + length;
        // 8 bytes per step: the carries of four 16-bit words fit easily in a long.
        while (end - i >= 8) {
            long v = buf.getLong(i);
            acc += (v >>> 48) + ((v >>> 32) & 0xFFFF) + ((v >>> 16) & 0xFFFF) + (v & 0xFFFF);
            i += 8;
        }
        while (end - i >= 2) {
            acc += buf.getShort(i) & 0xFFFF;
            i += 2;
        }
        if (i < end) {
            acc += (buf.get(i) & 0xFF) << 8;
        }
        while ((acc >>> 32) != 0) {
            acc = (acc & 0xFFFFFFFFL) + (acc >>> 32);
        }
        return foldToInt(acc);
    }

    /** Adds one 16-bit word. */
    public static int addWord(int sum, int word) {
        return foldToInt((sum & 0xFFFFFFFFL) + (word & 0xFFFF));
    }

    /** Adds a 32-bit value as two 16-bit words (an IPv4 address, a TCP sequence number). */
    public static int addInt(int sum, int value) {
        return foldToInt((sum & 0xFFFFFFFFL) + (value >>> 16) + (value & 0xFFFF));
    }

    /** The IPv4 pseudo-header sum: source, destination, protocol and upper-layer length. */
    public static int pseudoHeaderV4(int srcAddr, int dstAddr, int protocol, int length) {
        long acc = (srcAddr >>> 16) + (srcAddr & 0xFFFF) + (dstAddr >>> 16) + (dstAddr & 0xFFFF)
                + protocol + length;
        return foldToInt(acc);
    }

    /** Folds an accumulator to 16 bits and complements it: the value to store in a header. */
    public static int fold(int sum) {
        long acc = sum & 0xFFFFFFFFL;
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) (~acc & 0xFFFF);
    }

    /** Whole-buffer checksum of {@code length} bytes: the value to store, or 0 when verifying a correct header. */
    public static int compute(ByteBuffer buf, int offset, int length) {
        return fold(add(0, buf, offset, length));
    }

    /**
     * RFC 1624 incremental update: the new checksum after a 16-bit field changed
     * from {@code oldWord} to {@code newWord}.
     */
    public static int update(int checksum, int oldWord, int newWord) {
        int sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return fold(sum);
    }

    private static int foldToInt(long acc) {
        while ((acc >>> 32) != 0) {
            acc = (acc & 0xFFFFFFFFL) + (acc >>> 32);
        }
        // Keep the accumulator below 2^31 so callers can keep adding without overflow worries.
        while (acc > 0x7FFF_FFFFL) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }
}
