package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChecksumProperties {

    /** RFC 1071 by the book: bytes paired from {@code offset}, 32-bit sum, end-around carry. */
    static int referenceChecksum(long initial, byte[] data, int offset, int length) {
        long sum = initial;
        for (int i = 0; i < length; i++) {
            int b = data[offset + i] & 0xFF;
            sum += (i % 2 == 0) ? b << 8 : b;
        }
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }

    @Property
    void addMatchesReferenceAtAnyOffsetAndLength(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 300) int a,
                                                 @ForAll @IntRange(max = 300) int b, @ForAll boolean direct) {
        int offset = Math.min(a, data.length);
        int length = Math.min(b, data.length - offset);
        ByteBuffer buf = direct ? HexFixtures.toDirect(data) : ByteBuffer.wrap(data);
        assertEquals(referenceChecksum(0, data, offset, length), Checksum.compute(buf, offset, length));
    }

    @Property
    void addContinuesFromAnyAccumulator(@ForAll @Size(max = 100) byte[] data, @ForAll int initial) {
        int got = Checksum.fold(Checksum.add(initial, ByteBuffer.wrap(data), 0, data.length));
        int expected = referenceChecksum(initial & 0xFFFFFFFFL, data, 0, data.length);
        // Ones' complement has two zeros: an accumulator equal to 0 mod 0xFFFF may fold to either.
        assertEquals(expected == 0xFFFF ? 0 : expected, got == 0xFFFF ? 0 : got);
    }

    @Property
    void evenSplitsChainWithAdd(@ForAll @Size(max = 200) byte[] data, @ForAll @IntRange(max = 100) int half) {
        int split = Math.min(half * 2, data.length);
        ByteBuffer buf = ByteBuffer.wrap(data);
        int sum = Checksum.add(Checksum.add(0, buf, 0, split), buf, split, data.length - split);
        assertEquals(referenceChecksum(0, data, 0, data.length), Checksum.fold(sum));
    }

    @Property
    void wordsAndIntsAddLikeBytes(@ForAll int value, @ForAll short word) {
        byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value, (byte) (word >>> 8), (byte) word};
        int sum = Checksum.addWord(Checksum.addInt(0, value), word);
        assertEquals(referenceChecksum(0, b, 0, 6), Checksum.fold(sum));
    }

    @Property
    void pseudoHeaderMatchesItsBytes(@ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 255) int proto,
                                     @ForAll @IntRange(max = 65535) int length) {
        ByteBuffer b = ByteBuffer.allocate(12).putInt(0, src).putInt(4, dst).put(8, (byte) 0).put(9, (byte) proto)
                .putShort(10, (short) length);
        assertEquals(Checksum.compute(b, 0, 12), Checksum.fold(Checksum.pseudoHeaderV4(src, dst, proto, length)));
    }

    /**
     * RFC 1624 eqn. 3 equals recomputation, up to the two zeros of ones' complement: the
     * only difference is data that becomes all zeros (recomputation gives 0xFFFF, the
     * update 0x0000), which no real header can be.
     */
    @Property
    void incrementalUpdateEqualsRecomputation(@ForAll @Size(min = 2, max = 64) byte[] data, @ForAll @IntRange(max = 31) int word,
                                              @ForAll short newWord) {
        int at = Math.min(word, data.length / 2 - 1) * 2;
        ByteBuffer buf = ByteBuffer.wrap(data);
        int before = Checksum.compute(buf, 0, data.length);
        int oldWord = Short.toUnsignedInt(buf.getShort(at));
        buf.putShort(at, newWord);
        int recomputed = Checksum.compute(buf, 0, data.length);
        int updated = Checksum.update(before, oldWord, newWord & 0xFFFF);
        boolean allZero = true;
        for (byte x : data) allZero &= x == 0;
        if (allZero) assertTrue(updated == 0 || updated == 0xFFFF);
        else assertEquals(recomputed, updated);
    }

    @Property
    void updatedIpHeaderStillVerifies(@ForAll @IntRange(min = 1, max = 255) int ttl) {
        ByteBuffer b = HexFixtures.direct("tcp_syn");
        Ipv4Packet ip = new Ipv4Packet().wrap(b, 14, b.capacity() - 14);
        int oldWord = b.getShort(14 + 8) & 0xFFFF;
        int newWord = (ttl << 8) | ip.protocol();
        b.putShort(14 + 8, (short) newWord);
        b.putShort(14 + 10, (short) Checksum.update(ip.checksum(), oldWord, newWord));
        assertTrue(ip.verifyChecksum());
    }

    @Example
    void rfc1071Example() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (before complement).
        byte[] d = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(~0xddf2 & 0xFFFF, Checksum.compute(ByteBuffer.wrap(d), 0, 8));
    }

    @Example
    void largeBufferDoesNotLoseCarries() {
        byte[] ff = new byte[65536 * 4 + 3];
        java.util.Arrays.fill(ff, (byte) 0xFF);
        assertEquals(referenceChecksum(0, ff, 0, ff.length), Checksum.compute(ByteBuffer.wrap(ff), 0, ff.length));
        assertEquals(referenceChecksum(0, ff, 1, ff.length - 1), Checksum.compute(ByteBuffer.wrap(ff), 1, ff.length - 1));
    }
}
