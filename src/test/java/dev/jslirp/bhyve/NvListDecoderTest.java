package dev.jslirp.bhyve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-built packed lists for the structural corners libnv's unpack loop has (little-endian). */
class NvListDecoderTest {
    private static final int STRING = 4, NVLIST = 5, DESCRIPTOR = 6, STRING_ARRAY = 10, NVLIST_ARRAY = 11,
            NUMBER_ARRAY = 9, NEXT = 254, UP = 255;

    /** Writes records; headers get their size ("bytes to the end") filled in by {@link #bytes()}. */
    private static final class Packed {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<Integer> headers = new java.util.ArrayList<>();

        Packed header() {
            headers.add(out.size());
            out.write(0x6c);
            out.write(0);
            out.write(0);
            u64(0);
            u64(0);
            return this;
        }

        Packed pair(int type, String name, long dataSize, long nItems, byte[] data) {
            out.write(type);
            out.write(name.length() + 1);
            out.write(0);
            u64(dataSize);
            u64(nItems);
            out.writeBytes(name.getBytes());
            out.write(0);
            out.writeBytes(data);
            return this;
        }

        Packed string(String name, String value) {
            byte[] v = (value + "\0").getBytes();
            return pair(STRING, name, v.length, 0, v);
        }

        Packed marker(int code) { return pair(code, "", 0, 0, new byte[0]); }

        byte[] bytes() {
            byte[] b = out.toByteArray();
            for (int h : headers) {
                long size = b.length - h - 19;
                for (int i = 0; i < 8; i++) b[h + 11 + i] = (byte) (size >>> (8 * i));
            }
            return b;
        }

        private void u64(long v) {
            for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
        }
    }

    @Test
    void arrayNextInAPlainNestedListReturnsToTheParentLikeUp() throws Exception {
        byte[] b = new Packed().header().pair(NVLIST, "n", 1, 0, new byte[0]).header().string("a", "1")
                .marker(NEXT).string("b", "2").bytes();
        assertEquals("{n={a=\"1\"}, b=\"2\"}", NvListDecoder.decode(b).toString());
    }

    @Test
    void upInsideAnArrayElementReturnsToTheHolderAndLeavesLaterElementsEmpty() throws Exception {
        byte[] b = new Packed().header().pair(NVLIST_ARRAY, "arr", 0, 3, new byte[0]).header().string("a", "1")
                .marker(UP).string("b", "2").bytes();
        assertEquals("{arr=[{a=\"1\"}, {}, {}], b=\"2\"}", NvListDecoder.decode(b).toString());
    }

    @Test
    void aBufferEndingInsideAnArrayIsAccepted() throws Exception {
        byte[] b = new Packed().header().pair(NVLIST_ARRAY, "arr", 0, 2, new byte[0]).header().string("a", "1")
                .marker(NEXT).header().bytes();
        assertEquals("{arr=[{a=\"1\"}, {}]}", NvListDecoder.decode(b).toString());
    }

    @Test
    void arrayNextAtTheTopLevelIsRejected() {
        byte[] b = new Packed().header().string("a", "1").marker(NEXT).bytes();
        assertTrue(assertThrows(NvListException.class, () -> NvListDecoder.decode(b)).getMessage().contains("ARRAY_NEXT"));
    }

    @Test
    void nestingDeeperThanTheBoundIsRejected() throws Exception {
        Packed ok = new Packed().header();
        for (int i = 0; i < NvListDecoder.MAX_DEPTH; i++) ok.pair(NVLIST, "n", 1, 0, new byte[0]).header();
        NvListDecoder.decode(ok.bytes());
        Packed deep = new Packed().header();
        for (int i = 0; i <= NvListDecoder.MAX_DEPTH; i++) deep.pair(NVLIST, "n", 1, 0, new byte[0]).header();
        NvListException e = assertThrows(NvListException.class, () -> NvListDecoder.decode(deep.bytes()));
        assertTrue(e.getMessage().contains("deeper"), e.getMessage());
    }

    @Test
    void morePairsThanTheBoundAreRejected() throws Exception {
        Packed p = new Packed().header();
        for (int i = 0; i < NvListDecoder.MAX_RECORDS; i++) p.string("k" + i, "");
        assertEquals(NvListDecoder.MAX_RECORDS, NvListDecoder.decode(p.bytes()).size());
        p.string("one-more", "");
        assertThrows(NvListException.class, () -> NvListDecoder.decode(p.bytes()));
    }

    @Test
    void hugeArrayCountsAreRejectedBeforeAllocating() {
        // 8 * (2^61 + 1) wraps to 8 in 64 bits: libnv's check would pass; ours compares without overflow.
        byte[] numbers = new Packed().header().pair(NUMBER_ARRAY, "n", 8, (1L << 61) + 1, new byte[8]).bytes();
        assertThrows(NvListException.class, () -> NvListDecoder.decode(numbers));
        byte[] lists = new Packed().header().pair(NVLIST_ARRAY, "l", 0, Long.MAX_VALUE, new byte[0]).header().bytes();
        assertThrows(NvListException.class, () -> NvListDecoder.decode(lists));
    }

    @Test
    void everyStringArrayElementNeedsItsNul() throws Exception {
        byte[] ok = new Packed().header().pair(STRING_ARRAY, "s", 4, 2, "a\0b\0".getBytes()).bytes();
        assertEquals(List.of("a", "b"), ((NvValue.StringArrayValue) NvListDecoder.decode(ok).get("s")).value());
        // libnv misses the missing NUL of the last element (and reads past the value); we reject it.
        byte[] lastUnterminated = new Packed().header().pair(STRING_ARRAY, "s", 3, 2, "a\0b".getBytes()).bytes();
        assertThrows(NvListException.class, () -> NvListDecoder.decode(lastUnterminated));
        byte[] tooMany = new Packed().header().pair(STRING_ARRAY, "s", 4, 3, "a\0b\0".getBytes()).bytes();
        assertThrows(NvListException.class, () -> NvListDecoder.decode(tooMany));
        byte[] leftover = new Packed().header().pair(STRING_ARRAY, "s", 4, 1, "a\0b\0".getBytes()).bytes();
        assertThrows(NvListException.class, () -> NvListDecoder.decode(leftover));
    }

    @Test
    void descriptorIndexesMustPointAtReceivedDescriptors() throws Exception {
        byte[] idx1 = new Packed().header().pair(DESCRIPTOR, "fd", 8, 0, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}).bytes();
        assertEquals(42, NvListDecoder.decode(idx1, new int[] {41, 42}).getDescriptor("fd").getAsInt());
        assertThrows(NvListException.class, () -> NvListDecoder.decode(idx1, new int[] {41}));
        byte[] negative = new Packed().header().pair(DESCRIPTOR, "fd", 8, 0, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}).bytes();
        assertThrows(NvListException.class, () -> NvListDecoder.decode(negative, new int[] {41}));
    }

    @Test
    void ignoreCaseListsRejectNamesDifferingOnlyInCase() throws Exception {
        byte[] b = new Packed().header().pair(NVLIST, "n", 1, 0, new byte[0]).header().string("Open", "1")
                .string("open", "2").bytes();
        b[38 + 2 + 2] = NvList.IGNORE_CASE; // nested header flags (root header 19 + pair 19 + "n\0" 2)
        NvListException e = assertThrows(NvListException.class, () -> NvListDecoder.decode(b));
        assertTrue(e.getMessage().contains("EEXIST"), e.getMessage());
    }

    @Test
    void everyTruncationOfEveryVectorIsRejectedCleanly() {
        for (String name : Vectors.ALL) {
            byte[] bin = Vectors.bin(name);
            for (int n = 0; n < bin.length; n++) {
                byte[] part = java.util.Arrays.copyOf(bin, n);
                assertThrows(NvListException.class, () -> NvListDecoder.decode(part, Vectors.fdsFor(name)), name + " cut at " + n);
            }
        }
    }
}
