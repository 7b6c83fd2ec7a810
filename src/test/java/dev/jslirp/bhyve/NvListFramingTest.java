package dev.jslirp.bhyve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The peek-then-read-exactly length (wire spec §10.4). */
class NvListFramingTest {

    @Test
    void lengthComesFromTheRootHeaderAloneIncludingNestedLists() throws Exception {
        byte[] bin = Vectors.bin("h-all-types"); // nested lists, arrays: still 19 + root size
        assertEquals(871, NvListFraming.totalLength(Arrays.copyOf(bin, 19)));
    }

    @Test
    void aFrameQueuedBehindTheNvlistIsNotPartOfIt() throws Exception {
        // On FreeBSD a peek can return the nvlist and the next frame together.
        byte[] bin = Vectors.bin("g-bhyve-cmdline");
        byte[] peek = Arrays.copyOf(bin, bin.length + 60);
        Arrays.fill(peek, bin.length, peek.length, (byte) 0xff);
        int total = NvListFraming.totalLength(peek, 0, peek.length);
        assertEquals(192, total);
        assertEquals(NvListDecoder.decode(bin), NvListDecoder.decode(Arrays.copyOf(peek, total)));
    }

    @Test
    void bigEndianSizeIsSwapped() throws Exception {
        assertEquals(155, NvListFraming.totalLength(Vectors.bin("f-hostfwd-be")));
    }

    @Test
    void headerAtAnOffset() throws Exception {
        byte[] bin = Vectors.bin("a-vmname");
        byte[] buf = new byte[bin.length + 5];
        System.arraycopy(bin, 0, buf, 5, bin.length);
        assertEquals(49, NvListFraming.totalLength(buf, 5, 19));
    }

    @Test
    void fewerThan19BytesIsNotEnough() {
        byte[] bin = Vectors.bin("a-vmname");
        for (int n = 0; n < 19; n++) {
            byte[] part = Arrays.copyOf(bin, n);
            assertThrows(NvListException.class, () -> NvListFraming.totalLength(part));
        }
    }

    @Test
    void badMagicAndUnknownFlagsAreRejectedBeforeReading() {
        byte[] magic = Vectors.bin("a-vmname");
        magic[0] = 0x6d;
        assertEquals(0, assertThrows(NvListException.class, () -> NvListFraming.totalLength(magic)).offset());
        byte[] flags = Vectors.bin("a-vmname");
        flags[2] = 0x04;
        assertEquals(2, assertThrows(NvListException.class, () -> NvListFraming.totalLength(flags)).offset());
    }

    @Test
    void absurdSizesAreRejected() {
        byte[] h = Arrays.copyOf(Vectors.bin("a-vmname"), 19);
        putLe64(h, 11, NvListDecoder.MAX_TOTAL_LENGTH - 19 + 1);
        assertEquals(11, assertThrows(NvListException.class, () -> NvListFraming.totalLength(h)).offset());
        putLe64(h, 11, -1L); // 2^64 - 1: would wrap to 18 if 19 were added in 64 bits
        assertThrows(NvListException.class, () -> NvListFraming.totalLength(h));
        putLe64(h, 11, NvListDecoder.MAX_TOTAL_LENGTH - 19);
        assertDoesNotThrowLength(h, NvListDecoder.MAX_TOTAL_LENGTH);
    }

    @Test
    void descriptorCountIsBounded() throws Exception {
        assertEquals(3, NvListFraming.descriptorCount(Vectors.bin("i-descriptors")));
        byte[] h = Arrays.copyOf(Vectors.bin("a-vmname"), 19);
        putLe64(h, 3, 254);
        assertThrows(NvListException.class, () -> NvListFraming.descriptorCount(h));
    }

    @Test
    void oversizedInputIsRejectedByTheDecoderToo() {
        byte[] big = new byte[NvListDecoder.MAX_TOTAL_LENGTH + 1];
        assertThrows(NvListException.class, () -> NvListDecoder.decode(big));
    }

    private static void assertDoesNotThrowLength(byte[] h, int expected) {
        try {
            assertEquals(expected, NvListFraming.totalLength(h));
        } catch (NvListException e) {
            throw new AssertionError(e);
        }
    }

    private static void putLe64(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) b[at + i] = (byte) (v >>> (8 * i));
    }
}
