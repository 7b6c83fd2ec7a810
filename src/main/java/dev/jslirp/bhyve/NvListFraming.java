package dev.jslirp.bhyve;

/**
 * The pure part of reading one packed nvlist from bhyve's socket without consuming what follows
 * (wire spec §10.4): peek at least {@link #HEADER_LENGTH} bytes, ask {@link #totalLength} how many
 * bytes the nvlist has, then consume exactly that many.
 *
 * <p>Why the root header is enough: every list header's {@code size} counts the bytes from the end
 * of that header to the end of the <em>whole</em> packed buffer, nested lists and arrays included
 * (wire spec §3), so {@code 19 + root.size} is the total. (A nested header's size is likewise
 * "bytes to the end", not the child's own size; an NVLIST pair's datasize is neither.) On Linux
 * the nvlist is one SEQPACKET record of exactly this length; on FreeBSD it has no record boundary
 * and is followed directly by the first frame, so a reader must stop at this length.
 *
 * <p>The checks are those libnv's {@code nvlist_recv()} makes before it reads the body (magic,
 * unknown flag bits) plus our size bound; everything else is left to {@link NvListDecoder}.
 */
public final class NvListFraming {
    /** Bytes to peek before the length is known. */
    public static final int HEADER_LENGTH = NvListDecoder.HEADER_LENGTH;
    /** Most descriptors a header may announce (bhyve sends none; Linux allows 253 per SCM_RIGHTS message). */
    public static final int MAX_DESCRIPTORS = 253;

    private NvListFraming() {}

    /** Total packed length (header included) announced by the root header at the start of {@code headerBytes}. */
    public static int totalLength(byte[] headerBytes) throws NvListException {
        return totalLength(headerBytes, 0, headerBytes.length);
    }

    /**
     * @param buf    peeked bytes
     * @param offset where the root header starts
     * @param length how many peeked bytes are valid from {@code offset} (at least 19)
     * @return 19 + size, at most {@link NvListDecoder#MAX_TOTAL_LENGTH}
     * @throws NvListException fewer than 19 bytes, bad magic, unknown flags, or a size over the bound
     */
    public static int totalLength(byte[] buf, int offset, int length) throws NvListException {
        checkHeader(buf, offset, length);
        long size = u64(buf, offset + 11, bigEndian(buf, offset));
        // Unsigned compare: also rejects sizes that would overflow when 19 is added (FreeBSD's 2024 fix).
        if (Long.compareUnsigned(size, NvListDecoder.MAX_TOTAL_LENGTH - HEADER_LENGTH) > 0) {
            throw new NvListException("nvlist size " + Long.toUnsignedString(size) + " exceeds the limit of "
                    + NvListDecoder.MAX_TOTAL_LENGTH + " bytes", offset + 11);
        }
        return HEADER_LENGTH + (int) size;
    }

    /** How many descriptors must be received after the data (the root header's count, as nvlist_recv uses it). */
    public static int descriptorCount(byte[] headerBytes) throws NvListException {
        return descriptorCount(headerBytes, 0, headerBytes.length);
    }

    public static int descriptorCount(byte[] buf, int offset, int length) throws NvListException {
        checkHeader(buf, offset, length);
        long n = u64(buf, offset + 3, bigEndian(buf, offset));
        if (Long.compareUnsigned(n, MAX_DESCRIPTORS) > 0) {
            throw new NvListException("nvlist announces " + Long.toUnsignedString(n) + " descriptors, more than "
                    + MAX_DESCRIPTORS, offset + 3);
        }
        return (int) n;
    }

    private static void checkHeader(byte[] buf, int offset, int length) throws NvListException {
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw new IllegalArgumentException("offset/length outside the buffer");
        }
        if (length < HEADER_LENGTH) throw new NvListException("need 19 header bytes, have " + length, offset);
        if ((buf[offset] & 0xFF) != NvListDecoder.MAGIC) {
            throw new NvListException("header magic 0x" + Integer.toHexString(buf[offset] & 0xFF) + " is not 0x6c", offset);
        }
        int flags = buf[offset + 2] & 0xFF;
        if ((flags & ~NvListDecoder.FLAGS_ALL) != 0) {
            throw new NvListException("header has unknown flag bits 0x" + Integer.toHexString(flags & ~NvListDecoder.FLAGS_ALL), offset + 2);
        }
    }

    private static boolean bigEndian(byte[] buf, int offset) {
        return (buf[offset + 2] & NvListDecoder.FLAG_BIG_ENDIAN) != 0;
    }

    private static long u64(byte[] buf, int at, boolean bigEndian) {
        long v = 0;
        for (int i = 0; i < 8; i++) v |= (buf[at + i] & 0xFFL) << (bigEndian ? 56 - 8 * i : 8 * i);
        return v;
    }
}
