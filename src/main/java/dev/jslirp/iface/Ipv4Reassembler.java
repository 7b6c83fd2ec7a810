package dev.jslirp.iface;

import dev.jslirp.wire.Checksum;
import dev.jslirp.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * Reassembles fragmented IPv4 datagrams from the guest (RFC 791 §3.2, RFC 815).
 *
 * <h2>Theory of operation</h2>
 * A datagram in progress occupies one of {@code maxDatagrams} slots, keyed by
 * (source, destination, protocol, identification) as RFC 791 says. Its payload is copied
 * into fixed-size chunks taken from one arena of {@code maxBufferedBytes} allocated at
 * construction; a chunk holds payload bytes [k * CHUNK_LENGTH, (k+1) * CHUNK_LENGTH) of
 * the datagram, so a fragment lands at a computed place and nothing moves afterwards.
 * Instead of RFC 815's hole list we keep the list of received ranges: since overlaps are
 * refused, the datagram is complete when the last fragment (MF = 0) has fixed its length
 * and the received byte count reaches it. The header of the fragment with offset 0
 * (including its options, RFC 791: options are those of the first fragment) becomes the
 * header of the reassembled datagram, with MF and offset cleared and the total length and
 * checksum rewritten.
 *
 * <p>Nothing is allocated per fragment: slot state lives in parallel arrays, chunks in a
 * free-list stack. Lookups scan the slots linearly, which is cheap at the default 64.
 *
 * <h2>Policies</h2>
 * <ul>
 * <li><b>Overlap</b>: a fragment overlapping bytes already received drops the whole
 *   datagram, as RFC 5722 requires for IPv6 and Linux does for IPv4 since 4.19: there is
 *   no legitimate reason to overlap, and teardrop-style attacks rely on it.</li>
 * <li><b>Exact duplicate</b> (same offset and length as a received fragment, e.g. a
 *   retransmission by a lossy link): ignored and counted, the first copy is kept (RFC 815
 *   allows either; Linux also treats it as a duplicate).</li>
 * <li><b>Caps</b>: when every slot is busy the <em>new</em> datagram is dropped (as Linux
 *   refuses new queues above {@code ipfrag_high_thresh}); datagrams in progress are never
 *   evicted for a newcomer, so a flood cannot flush a legitimate datagram, and junk holds a
 *   slot for one timeout at most. When the arena has no chunk left, the datagram that
 *   needed one is dropped and its chunks freed. Beyond {@code maxFragments} fragments,
 *   the datagram is dropped (a guest sending 8-byte fragments gets nowhere).</li>
 * <li><b>Timeout</b>: {@link #DEFAULT_TIMEOUT_NS} = 30 s from the first fragment, not
 *   refreshed by later ones. RFC 1122 §3.3.2 suggests 60 to 120 s; we follow Linux
 *   ({@code ipfrag_time} = 30) because on a virtual link fragments arrive within
 *   microseconds and a shorter timeout frees buffers held by junk sooner.</li>
 * <li><b>Malformed</b> fragments (a non-last fragment whose length is not a multiple of 8
 *   or is zero, RFC 791) are dropped alone; a last fragment that contradicts an earlier
 *   one drops the datagram.</li>
 * </ul>
 * RFC 1122 §3.3.2 also asks for an ICMP Time Exceeded (code 1) on timeout when fragment
 * zero arrived; that is left to the interface (not implemented here).
 */
public final class Ipv4Reassembler {
    /** Negative results of {@link #offer}: why the fragment (and maybe its datagram) was dropped. */
    public static final int DROP_MALFORMED = -1, DROP_OVERLAP = -2, DROP_TOO_BIG = -3, DROP_TOO_MANY = -4,
            DROP_NO_BUFFER = -5;

    public static final int DEFAULT_MAX_DATAGRAMS = 64;
    public static final int DEFAULT_MAX_BUFFERED_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_DATAGRAM_LENGTH = Ipv4Packet.MAX_LENGTH;
    public static final long DEFAULT_TIMEOUT_NS = 30_000_000_000L;
    public static final int DEFAULT_MAX_FRAGMENTS = 64;
    /** Arena granularity; a multiple of 8 so aligned fragments rarely straddle chunks. */
    public static final int CHUNK_LENGTH = 2048;

    private static final int MAX_HEADER_LENGTH = 60;
    private static final int NO_CHUNK = -1;

    /** The limits; every one is a hard cap on what the guest can make us hold. */
    public record Limits(int maxDatagrams, int maxBufferedBytes, int maxDatagramLength, long timeoutNs, int maxFragments) {
        public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_DATAGRAMS, DEFAULT_MAX_BUFFERED_BYTES,
                DEFAULT_MAX_DATAGRAM_LENGTH, DEFAULT_TIMEOUT_NS, DEFAULT_MAX_FRAGMENTS);

        public Limits {
            if (maxDatagrams < 1 || maxBufferedBytes < CHUNK_LENGTH || maxFragments < 2 || timeoutNs <= 0
                    || maxDatagramLength < Ipv4Packet.HEADER_LENGTH + 8 || maxDatagramLength > Ipv4Packet.MAX_LENGTH) {
                throw new IllegalArgumentException("invalid reassembly limits: " + this);
            }
        }
    }

    private final Limits limits;
    private final int chunksPerDatagram;

    // Slot state, struct-of-arrays. A slot is free when used[s] is false.
    private final boolean[] used;
    private final int[] src, dst, protocol, ident;
    private final long[] deadlineNs;
    /** Payload length once the last fragment arrived, else -1. */
    private final int[] payloadLength;
    private final int[] receivedBytes;
    private final int[] fragmentCount;
    /** Header length of the offset-0 fragment once it arrived, else 0. */
    private final int[] headerLength;
    /** Received payload ranges [start, end) of slot s at s * maxFragments + i. */
    private final int[] rangeStart, rangeEnd;
    /** Chunk index holding payload chunk k of slot s at s * chunksPerDatagram + k, or NO_CHUNK. */
    private final int[] chunkOf;
    private final ByteBuffer headers;
    private final ByteBuffer arena;
    private final int[] freeChunks;
    private int freeChunkCount;
    private int usedSlots;

    private long reassembled, timeouts, overlaps, duplicates, tooBig, tooManyDatagrams, tooManyFragments, noBuffer,
            malformed;

    public Ipv4Reassembler() { this(Limits.DEFAULTS); }

    public Ipv4Reassembler(Limits limits) {
        this.limits = limits;
        int n = limits.maxDatagrams();
        this.chunksPerDatagram = (limits.maxDatagramLength() + CHUNK_LENGTH - 1) / CHUNK_LENGTH;
        used = new boolean[n];
        src = new int[n];
        dst = new int[n];
        protocol = new int[n];
        ident = new int[n];
        deadlineNs = new long[n];
        payloadLength = new int[n];
        receivedBytes = new int[n];
        fragmentCount = new int[n];
        headerLength = new int[n];
        rangeStart = new int[n * limits.maxFragments()];
        rangeEnd = new int[n * limits.maxFragments()];
        chunkOf = new int[n * chunksPerDatagram];
        java.util.Arrays.fill(chunkOf, NO_CHUNK);
        headers = ByteBuffer.allocateDirect(n * MAX_HEADER_LENGTH);
        int chunks = limits.maxBufferedBytes() / CHUNK_LENGTH;
        arena = ByteBuffer.allocateDirect(chunks * CHUNK_LENGTH);
        freeChunks = new int[chunks];
        for (int i = 0; i < chunks; i++) freeChunks[i] = chunks - 1 - i;
        freeChunkCount = chunks;
    }

    public Limits limits() { return limits; }

    /**
     * Adds one fragment ({@link Ipv4Packet#isFragment()} true; the caller has checked its
     * length and header checksum).
     *
     * @param out where a completed datagram is written, at {@code outOffset}; needs room for
     *            {@code limits().maxDatagramLength()} bytes
     * @return the length of the complete datagram written to {@code out}, 0 when more
     *         fragments are needed (or this one was an ignored duplicate), or a negative
     *         {@code DROP_*} code
     */
    public int offer(Ipv4Packet fragment, long nowNs, ByteBuffer out, int outOffset) {
        expire(nowNs);
        int fragmentStart = fragment.fragmentOffset();
        int length = fragment.payloadLength();
        boolean last = !fragment.moreFragments();
        int fragmentEnd = fragmentStart + length;
        if (!fragment.isFragment() || (!last && (length == 0 || (length & 7) != 0))) {
            malformed++;
            return DROP_MALFORMED;
        }
        int s = find(fragment.src(), fragment.dst(), fragment.protocol(), fragment.ident());
        // RFC 791: a datagram, with its header, is at most 65535 bytes; the smallest header is 20.
        if (fragmentEnd + Ipv4Packet.HEADER_LENGTH > limits.maxDatagramLength()) {
            tooBig++;
            if (s >= 0) release(s);
            return DROP_TOO_BIG;
        }
        if (s < 0) {
            s = allocateSlot(fragment, nowNs);
            if (s < 0) {
                tooManyDatagrams++;
                return DROP_TOO_MANY;
            }
        }
        int base = s * limits.maxFragments();
        for (int i = 0; i < fragmentCount[s]; i++) {
            int a = rangeStart[base + i], b = rangeEnd[base + i];
            if (a == fragmentStart && b == fragmentEnd && (last == (payloadLength[s] == b))) {
                duplicates++;
                return 0;
            }
            if (fragmentStart < b && a < fragmentEnd) { // RFC 5722 §4: discard the whole datagram
                overlaps++;
                release(s);
                return DROP_OVERLAP;
            }
        }
        // The end of the datagram is fixed by the last fragment; nothing may contradict it.
        if (last ? (payloadLength[s] >= 0 && payloadLength[s] != fragmentEnd) || receivedEndBeyond(s, fragmentEnd)
                : payloadLength[s] >= 0 && fragmentEnd > payloadLength[s]) {
            malformed++;
            release(s);
            return DROP_MALFORMED;
        }
        if (fragmentCount[s] == limits.maxFragments()) {
            tooManyFragments++;
            release(s);
            return DROP_TOO_MANY;
        }
        if (!copyPayload(s, fragment.buffer(), fragment.payloadOffset(), fragmentStart, length)) {
            noBuffer++;
            release(s);
            return DROP_NO_BUFFER;
        }
        rangeStart[base + fragmentCount[s]] = fragmentStart;
        rangeEnd[base + fragmentCount[s]] = fragmentEnd;
        fragmentCount[s]++;
        receivedBytes[s] += length;
        if (last) payloadLength[s] = fragmentEnd;
        if (fragmentStart == 0) {
            headerLength[s] = fragment.headerLength();
            headers.put(s * MAX_HEADER_LENGTH, fragment.buffer(), fragment.offset(), fragment.headerLength());
        }
        if (payloadLength[s] < 0 || receivedBytes[s] != payloadLength[s] || headerLength[s] == 0) return 0;
        return complete(s, out, outOffset);
    }

    /** Drops datagrams whose reassembly timer ran out at or before {@code nowNs}. */
    public void expire(long nowNs) {
        if (usedSlots == 0) return;
        for (int s = 0; s < used.length; s++) {
            if (used[s] && deadlineNs[s] - nowNs <= 0) {
                timeouts++;
                release(s);
            }
        }
    }

    /** The earliest reassembly deadline, or {@link Long#MAX_VALUE} when nothing is in progress. */
    public long nextDeadlineNs() {
        long next = Long.MAX_VALUE;
        if (usedSlots == 0) return next;
        for (int s = 0; s < used.length; s++) {
            if (used[s] && (next == Long.MAX_VALUE || deadlineNs[s] - next < 0)) next = deadlineNs[s];
        }
        return next;
    }

    public int datagramsInProgress() { return usedSlots; }
    /** Bytes of arena held by datagrams in progress (whole chunks). */
    public int bufferedBytes() { return (freeChunks.length - freeChunkCount) * CHUNK_LENGTH; }

    public long reassembled() { return reassembled; }
    public long timeouts() { return timeouts; }
    public long overlaps() { return overlaps; }
    public long duplicates() { return duplicates; }
    public long tooBig() { return tooBig; }
    public long tooManyDatagrams() { return tooManyDatagrams; }
    public long tooManyFragments() { return tooManyFragments; }
    public long noBuffer() { return noBuffer; }
    public long malformed() { return malformed; }

    private int find(int srcAddr, int dstAddr, int proto, int id) {
        if (usedSlots == 0) return -1;
        for (int s = 0; s < used.length; s++) {
            if (used[s] && ident[s] == id && src[s] == srcAddr && dst[s] == dstAddr && protocol[s] == proto) return s;
        }
        return -1;
    }

    private int allocateSlot(Ipv4Packet fragment, long nowNs) {
        if (usedSlots == used.length) return -1;
        for (int s = 0; s < used.length; s++) {
            if (!used[s]) {
                used[s] = true;
                usedSlots++;
                src[s] = fragment.src();
                dst[s] = fragment.dst();
                protocol[s] = fragment.protocol();
                ident[s] = fragment.ident();
                deadlineNs[s] = nowNs + limits.timeoutNs();
                payloadLength[s] = -1;
                receivedBytes[s] = 0;
                fragmentCount[s] = 0;
                headerLength[s] = 0;
                return s;
            }
        }
        throw new IllegalStateException("usedSlots out of step");
    }

    private boolean receivedEndBeyond(int s, int end) {
        int base = s * limits.maxFragments();
        for (int i = 0; i < fragmentCount[s]; i++) {
            if (rangeEnd[base + i] > end) return true;
        }
        return false;
    }

    /** Copies payload bytes [start, start + length) of the datagram into its chunks, taking free ones as needed. */
    private boolean copyPayload(int s, ByteBuffer from, int fromOffset, int start, int length) {
        int base = s * chunksPerDatagram;
        int done = 0;
        while (done < length) {
            int at = start + done;
            int k = at / CHUNK_LENGTH;
            int within = at % CHUNK_LENGTH;
            int n = Math.min(length - done, CHUNK_LENGTH - within);
            int chunk = chunkOf[base + k];
            if (chunk == NO_CHUNK) {
                if (freeChunkCount == 0) return false;
                chunk = freeChunks[--freeChunkCount];
                chunkOf[base + k] = chunk;
            }
            arena.put(chunk * CHUNK_LENGTH + within, from, fromOffset + done, n);
            done += n;
        }
        return true;
    }

    private int complete(int s, ByteBuffer out, int outOffset) {
        int hlen = headerLength[s];
        int total = hlen + payloadLength[s];
        if (total > limits.maxDatagramLength()) { // options of the first fragment pushed it over
            tooBig++;
            release(s);
            return DROP_TOO_BIG;
        }
        if (outOffset < 0 || outOffset + total > out.capacity()) {
            noBuffer++;
            release(s);
            return DROP_NO_BUFFER;
        }
        out.put(outOffset, headers, s * MAX_HEADER_LENGTH, hlen);
        int base = s * chunksPerDatagram;
        for (int done = 0, k = 0; done < payloadLength[s]; k++) {
            int n = Math.min(CHUNK_LENGTH, payloadLength[s] - done);
            out.put(outOffset + hlen + done, arena, chunkOf[base + k] * CHUNK_LENGTH, n);
            done += n;
        }
        out.putShort(outOffset + Ipv4Packet.TOTAL_LENGTH_OFFSET, (short) total);
        int flags = out.getShort(outOffset + Ipv4Packet.FLAGS_FRAGMENT_OFFSET) & ~(Ipv4Packet.FLAG_MF | Ipv4Packet.FRAGMENT_OFFSET_MASK);
        out.putShort(outOffset + Ipv4Packet.FLAGS_FRAGMENT_OFFSET, (short) flags);
        out.putShort(outOffset + Ipv4Packet.CHECKSUM_OFFSET, (short) 0);
        out.putShort(outOffset + Ipv4Packet.CHECKSUM_OFFSET, (short) Checksum.compute(out, outOffset, hlen));
        reassembled++;
        release(s);
        return total;
    }

    private void release(int s) {
        int base = s * chunksPerDatagram;
        for (int k = 0; k < chunksPerDatagram; k++) {
            if (chunkOf[base + k] != NO_CHUNK) {
                freeChunks[freeChunkCount++] = chunkOf[base + k];
                chunkOf[base + k] = NO_CHUNK;
            }
        }
        used[s] = false;
        usedSlots--;
    }

    @Override
    public String toString() {
        return "Ipv4Reassembler[inProgress " + usedSlots + " buffered " + bufferedBytes() + " reassembled " + reassembled
                + " timeouts " + timeouts + " overlaps " + overlaps + " duplicates " + duplicates + " tooBig " + tooBig
                + " tooManyDatagrams " + tooManyDatagrams + " tooManyFragments " + tooManyFragments + " noBuffer " + noBuffer
                + " malformed " + malformed + "]";
    }
}
