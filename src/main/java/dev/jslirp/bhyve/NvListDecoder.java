package dev.jslirp.bhyve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Unpacks a libnv packed nvlist (wire spec {@code nvlist-wire-format.md} §3 to §9), accepting and
 * rejecting what FreeBSD's {@code nvlist_unpack()}/{@code nvlist_recv()} does, with every size
 * bounded. The bytes come from bhyve, i.e. from outside the helper's trust boundary.
 *
 * <h2>Theory of operation</h2>
 * The packed form is one flat walk: a list header, then pair records. A NVLIST pair is followed
 * inline by the child's header and pairs; an UP marker returns to the parent. An NVLIST_ARRAY pair
 * is followed by its element lists, each closed by an ARRAY_NEXT marker. The root has no end marker:
 * it ends with the buffer. Like libnv, the decoder keeps one "current list" and moves it on markers:
 * <ul>
 *   <li>UP returns to the list holding the current list's pair (from an array element too);</li>
 *   <li>ARRAY_NEXT moves to the next element of the current array, whose header follows, or after
 *       the last element (and in a list that is no array element) returns to the holder;</li>
 *   <li>either marker in the root is an error; a buffer ending inside a nested list or array
 *       (markers missing) is accepted, and elements never reached stay empty.</li>
 * </ul>
 * Every header's {@code size} must equal exactly the bytes left after it, so the root header alone
 * fixes the buffer length (see {@link NvListFraming}). A NVLIST pair's {@code datasize} is only
 * range-checked ({@code 1 <= D <= left}): libnv fills it with a number that is not the child's size.
 * Each header's BIG_ENDIAN flag sets the byte order of everything after it, as in libnv.
 *
 * <h2>Bounds</h2>
 * <ul>
 *   <li>input at most {@link #MAX_TOTAL_LENGTH} (1 MiB) bytes;</li>
 *   <li>nesting at most {@link #MAX_DEPTH} (16) lists below the root;</li>
 *   <li>at most {@link #MAX_RECORDS} (4096) pair records in total (markers included), counting each
 *       element list of an NVLIST_ARRAY as one record too;</li>
 *   <li>names: {@code namesize} 1..2048 (NV_NAME_MAX, NUL included), as libnv;</li>
 *   <li>array item counts are bounded by the bytes present before anything is allocated.</li>
 * </ul>
 *
 * <h2>Where this decoder differs from libnv, on purpose</h2>
 * <ul>
 *   <li>{@code nitems} is byte-swapped like every other field in a big-endian list. libnv forgets
 *       to, so a little-endian libnv rejects big-endian lists holding arrays (vector
 *       {@code be-with-arrays}); we decode them as a big-endian libnv would. bhyve sends no arrays.</li>
 *   <li>Every STRING_ARRAY element must end with a NUL inside the value. libnv's check misses a
 *       missing NUL on the last element and then reads past the value.</li>
 *   <li>Array lengths are compared without the integer overflow libnv's {@code 8 * nitems} has.</li>
 * </ul>
 *
 * <p>DESCRIPTOR values on the wire are indexes into the descriptors received alongside the data
 * (SCM_RIGHTS, in order); the caller passes those fds and gets fd numbers back in the values.
 */
public final class NvListDecoder {
    public static final int MAX_TOTAL_LENGTH = 1 << 20;
    public static final int MAX_DEPTH = 16;
    public static final int MAX_RECORDS = 4096;
    /** NV_NAME_MAX: largest namesize, terminating NUL included. */
    public static final int NAME_SIZE_MAX = 2048;

    static final int HEADER_LENGTH = 19;
    static final int PAIR_HEADER_LENGTH = 19;
    static final int MAGIC = 0x6c;
    static final int FLAG_BIG_ENDIAN = 0x80;
    static final int FLAGS_PUBLIC = NvList.IGNORE_CASE | NvList.NO_UNIQUE;
    static final int FLAGS_ALL = FLAGS_PUBLIC | FLAG_BIG_ENDIAN;

    private NvListDecoder() {}

    /** Decodes a list without descriptors whose root flags are 0 (what bhyve sends and the helper expects). */
    public static NvList decode(byte[] packed) throws NvListException {
        return decode(packed, new int[0], 0);
    }

    /** Decodes with the descriptors received alongside; root flags must be 0. */
    public static NvList decode(byte[] packed, int[] fds) throws NvListException {
        return decode(packed, fds, 0);
    }

    /**
     * @param packed        exactly the packed nvlist (header size must match its length)
     * @param fds           descriptors received with it, in order; DESCRIPTOR indexes refer to them
     * @param expectedFlags the receiver's flags (libnv's {@code flags} argument): the root's public
     *                      flags must equal them (EILSEQ in libnv)
     */
    public static NvList decode(byte[] packed, int[] fds, int expectedFlags) throws NvListException {
        if (packed == null || fds == null) throw new IllegalArgumentException("null input");
        if (packed.length > MAX_TOTAL_LENGTH) {
            throw new NvListException("nvlist of " + packed.length + " bytes exceeds the limit of " + MAX_TOTAL_LENGTH, 0);
        }
        return new Walk(packed, fds).run(expectedFlags);
    }

    /** A list being filled: entries are finished pairs or pending nested lists/arrays. */
    private static final class Frame {
        final Frame holder;     // list holding this list's pair; null for the root
        final Frame arrayNext;  // next element of the same NVLIST_ARRAY, or null
        final int depth;
        int flags;
        final List<Object> entries = new ArrayList<>();
        final Set<String> names = new HashSet<>();

        Frame(Frame holder, Frame arrayNext, int depth) {
            this.holder = holder;
            this.arrayNext = arrayNext;
            this.depth = depth;
        }

        /** libnv's uniqueness check (nvlist_move_nvpair: EEXIST). */
        boolean addName(String name) {
            if ((flags & NvList.NO_UNIQUE) != 0) return true;
            return names.add((flags & NvList.IGNORE_CASE) != 0 ? foldAscii(name) : name);
        }

        NvList build() {
            NvList.Builder b = NvList.builder(flags);
            for (Object e : entries) {
                switch (e) {
                    case NvPair p -> b.add(p);
                    case PendingList pl -> b.addNvList(pl.name, pl.frame.build());
                    case PendingArray pa -> {
                        List<NvList> lists = new ArrayList<>(pa.elements.length);
                        for (Frame f : pa.elements) lists.add(f.build());
                        b.add(pa.name, new NvValue.NvListArrayValue(lists));
                    }
                    default -> throw new IllegalStateException("unexpected entry " + e);
                }
            }
            return b.build();
        }
    }

    private record PendingList(String name, Frame frame) {}

    private record PendingArray(String name, Frame[] elements) {}

    /** One decoding pass: cursor state lives here, not in static fields. */
    private static final class Walk {
        private final byte[] buf;
        private final int[] fds;
        private int off;
        private boolean bigEndian;
        private int records;

        Walk(byte[] buf, int[] fds) {
            this.buf = buf;
            this.fds = fds;
        }

        private int left() { return buf.length - off; }

        NvList run(int expectedFlags) throws NvListException {
            Frame root = new Frame(null, null, 0);
            readHeader(root, "root");
            if (root.flags != expectedFlags) {
                throw new NvListException("root flags 0x" + Integer.toHexString(root.flags)
                        + " differ from the receiver's flags 0x" + Integer.toHexString(expectedFlags) + " (EILSEQ)", 2);
            }
            Frame cur = root;
            while (left() > 0) {
                cur = readPair(cur);
            }
            return root.build();
        }

        /** Reads a list header into {@code frame}; libnv's nvlist_unpack_header + nvlist_check_header. */
        private void readHeader(Frame frame, String what) throws NvListException {
            int start = off;
            if (left() < HEADER_LENGTH) throw new NvListException(what + " header truncated (" + left() + " of 19 bytes)", start);
            if ((buf[start] & 0xFF) != MAGIC) {
                throw new NvListException(what + " header magic 0x" + Integer.toHexString(buf[start] & 0xFF) + " is not 0x6c", start);
            }
            // Version byte (start + 1) is not checked, as in libnv.
            int flags = buf[start + 2] & 0xFF;
            if ((flags & ~FLAGS_ALL) != 0) {
                throw new NvListException(what + " header has unknown flag bits 0x" + Integer.toHexString(flags & ~FLAGS_ALL), start + 2);
            }
            bigEndian = (flags & FLAG_BIG_ENDIAN) != 0;
            long descriptors = u64(start + 3);
            long size = u64(start + 11);
            long expected = left() - HEADER_LENGTH;
            if (size != expected) {
                throw new NvListException(what + " header size " + Long.toUnsignedString(size)
                        + " is not the " + expected + " bytes that follow it", start + 11);
            }
            if (Long.compareUnsigned(descriptors, fds.length) > 0) {
                throw new NvListException(what + " header needs " + Long.toUnsignedString(descriptors)
                        + " descriptors but " + fds.length + " were received", start + 3);
            }
            frame.flags = flags & FLAGS_PUBLIC;
            off += HEADER_LENGTH;
        }

        /** Reads one pair record into {@code cur}; returns the list that is current afterwards. */
        private Frame readPair(Frame cur) throws NvListException {
            int start = off;
            if (++records > MAX_RECORDS) throw new NvListException("more than " + MAX_RECORDS + " pairs", start);
            if (left() < PAIR_HEADER_LENGTH) {
                throw new NvListException("pair header truncated (" + left() + " of 19 bytes)", start);
            }
            int code = buf[start] & 0xFF;
            int nameSize = u16(start + 1);
            long dataSize = u64(start + 3);
            long nItems = u64(start + 11);
            NvType type = NvType.fromCode(code);
            if (type == null && code != NvType.NVLIST_UP_CODE && code != NvType.NVLIST_ARRAY_NEXT_CODE) {
                throw new NvListException("unknown pair type " + code, start);
            }
            if (nameSize < 1 || nameSize > NAME_SIZE_MAX) {
                throw new NvListException("pair namesize " + nameSize + " outside 1.." + NAME_SIZE_MAX, start + 1);
            }
            off += PAIR_HEADER_LENGTH;
            int nameOff = off;
            if (left() < nameSize) throw new NvListException("pair name runs past the end of the buffer", nameOff);
            int nul = indexOfNul(nameOff, nameSize);
            if (nul != nameOff + nameSize - 1) {
                throw new NvListException(nul < 0 ? "pair name is not NUL-terminated" : "pair name has a NUL before its end", nameOff);
            }
            String name = new String(buf, nameOff, nameSize - 1, StandardCharsets.ISO_8859_1);
            off += nameSize;
            int dataOff = off;
            if (Long.compareUnsigned(dataSize, left()) > 0) {
                throw new NvListException("pair \"" + name + "\" datasize " + Long.toUnsignedString(dataSize)
                        + " exceeds the " + left() + " bytes left", start + 3);
            }
            // Now 0 <= dataSize <= left() < 2^20.
            int size = (int) dataSize;

            if (type == null) return readMarker(cur, code, start);

            switch (type) {
                case NULL -> {
                    expect(size == 0, "NULL pair \"" + name + "\" has datasize " + size, start + 3);
                    add(cur, name, new NvValue.NullValue(), start);
                }
                case BOOL -> {
                    expect(size == 1, "BOOL pair \"" + name + "\" has datasize " + size, start + 3);
                    int v = buf[dataOff] & 0xFF;
                    expect(v == 0 || v == 1, "BOOL pair \"" + name + "\" has value " + v, dataOff);
                    add(cur, name, new NvValue.BoolValue(v == 1), start);
                }
                case NUMBER -> {
                    expect(size == 8, "NUMBER pair \"" + name + "\" has datasize " + size, start + 3);
                    add(cur, name, new NvValue.NumberValue(u64(dataOff)), start);
                }
                case STRING -> {
                    expect(size >= 1, "STRING pair \"" + name + "\" has datasize 0", start + 3);
                    expect(indexOfNul(dataOff, size) == dataOff + size - 1,
                            "STRING pair \"" + name + "\" is not one NUL-terminated string", dataOff);
                    add(cur, name, new NvValue.StringValue(latin1(dataOff, size - 1)), start);
                }
                case BINARY -> {
                    expect(size >= 1, "BINARY pair \"" + name + "\" is empty", start + 3);
                    byte[] v = new byte[size];
                    System.arraycopy(buf, dataOff, v, 0, size);
                    add(cur, name, new NvValue.BinaryValue(v), start);
                }
                case DESCRIPTOR -> {
                    expect(size == 8, "DESCRIPTOR pair \"" + name + "\" has datasize " + size, start + 3);
                    add(cur, name, new NvValue.DescriptorValue(fd(dataOff, name)), start);
                }
                case BOOL_ARRAY -> {
                    checkArray(name, nItems, size, 1, start);
                    List<Boolean> v = new ArrayList<>(size);
                    // libnv copies the bytes unchecked; any non-zero byte reads as true in C.
                    for (int i = 0; i < size; i++) v.add(buf[dataOff + i] != 0);
                    add(cur, name, new NvValue.BoolArrayValue(v), start);
                }
                case NUMBER_ARRAY -> {
                    int n = checkArray(name, nItems, size, 8, start);
                    List<Long> v = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) v.add(u64(dataOff + 8 * i));
                    add(cur, name, new NvValue.NumberArrayValue(v), start);
                }
                case DESCRIPTOR_ARRAY -> {
                    int n = checkArray(name, nItems, size, 8, start);
                    List<Integer> v = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) v.add(fd(dataOff + 8 * i, name));
                    add(cur, name, new NvValue.DescriptorArrayValue(v), start);
                }
                case STRING_ARRAY -> {
                    expect(size >= 1 && nItems != 0, "STRING_ARRAY pair \"" + name + "\" is empty", start + 3);
                    // Each string takes at least one byte, so nItems <= size bounds the list.
                    expect(Long.compareUnsigned(nItems, size) <= 0, "STRING_ARRAY pair \"" + name + "\" has "
                            + Long.toUnsignedString(nItems) + " items in " + size + " bytes", start + 11);
                    int n = (int) nItems;
                    List<String> v = new ArrayList<>(n);
                    int p = dataOff;
                    int end = dataOff + size;
                    for (int i = 0; i < n; i++) {
                        int z = indexOfNul(p, end - p);
                        expect(z >= 0, "STRING_ARRAY pair \"" + name + "\" element " + i + " is not NUL-terminated", p);
                        v.add(latin1(p, z - p));
                        p = z + 1;
                    }
                    expect(p == end, "STRING_ARRAY pair \"" + name + "\" has " + (end - p) + " bytes after its "
                            + n + " strings", p);
                    add(cur, name, new NvValue.StringArrayValue(v), start);
                }
                case NVLIST -> {
                    expect(size >= 1, "NVLIST pair \"" + name + "\" has datasize 0", start + 3);
                    Frame child = new Frame(cur, null, checkDepth(cur, start));
                    addName(cur, name, start);
                    cur.entries.add(new PendingList(name, child));
                    // The child's header follows the name directly; datasize is not a length here.
                    readHeader(child, "nested list \"" + name + "\"");
                    return child;
                }
                case NVLIST_ARRAY -> {
                    expect(nItems != 0, "NVLIST_ARRAY pair \"" + name + "\" has no items", start + 11);
                    // Each element needs at least its 19-byte header.
                    expect(Long.compareUnsigned(nItems, left() / HEADER_LENGTH) <= 0, "NVLIST_ARRAY pair \"" + name
                            + "\" has " + Long.toUnsignedString(nItems) + " items but only " + left() + " bytes left", start + 11);
                    int n = (int) nItems;
                    records += n;
                    if (records > MAX_RECORDS) throw new NvListException("more than " + MAX_RECORDS + " pairs", start);
                    int depth = checkDepth(cur, start);
                    Frame[] elements = new Frame[n];
                    for (int i = n - 1; i >= 0; i--) elements[i] = new Frame(cur, i + 1 < n ? elements[i + 1] : null, depth);
                    addName(cur, name, start);
                    cur.entries.add(new PendingArray(name, elements));
                    readHeader(elements[0], "element 0 of \"" + name + "\"");
                    return elements[0];
                }
            }
            off = dataOff + size;
            return cur;
        }

        private Frame readMarker(Frame cur, int code, int start) throws NvListException {
            // Markers carry no data; libnv ignores their datasize, nitems and name.
            if (code == NvType.NVLIST_ARRAY_NEXT_CODE && cur.arrayNext != null) {
                readHeader(cur.arrayNext, "next array element");
                return cur.arrayNext;
            }
            if (cur.holder == null) {
                throw new NvListException((code == NvType.NVLIST_UP_CODE ? "UP" : "ARRAY_NEXT") + " marker in the root list", start);
            }
            return cur.holder;
        }

        private int checkDepth(Frame cur, int start) throws NvListException {
            if (cur.depth + 1 > MAX_DEPTH) throw new NvListException("lists nested deeper than " + MAX_DEPTH, start);
            return cur.depth + 1;
        }

        /** n items of {@code width} bytes: n >= 1 and datasize == n * width, without overflow. */
        private int checkArray(String name, long nItems, int size, int width, int start) throws NvListException {
            expect(nItems != 0, "array pair \"" + name + "\" has no items", start + 11);
            expect(Long.compareUnsigned(nItems, size / width) == 0 && size % width == 0, "array pair \"" + name + "\" has "
                    + Long.toUnsignedString(nItems) + " items but datasize " + size, start + 3);
            return (int) nItems;
        }

        private int fd(int at, String name) throws NvListException {
            long index = u64(at);
            expect(index >= 0 && index < fds.length, "descriptor index " + index + " of \"" + name
                    + "\" is outside the " + fds.length + " received descriptors", at);
            return fds[(int) index];
        }

        private void add(Frame cur, String name, NvValue value, int start) throws NvListException {
            addName(cur, name, start);
            cur.entries.add(new NvPair(name, value));
        }

        private void addName(Frame cur, String name, int start) throws NvListException {
            if (!cur.addName(name)) throw new NvListException("duplicate name \"" + name + "\" (EEXIST)", start);
        }

        private int indexOfNul(int from, int length) {
            for (int i = from; i < from + length; i++) if (buf[i] == 0) return i;
            return -1;
        }

        private String latin1(int from, int length) {
            return new String(buf, from, length, StandardCharsets.ISO_8859_1);
        }

        private int u16(int at) {
            int a = buf[at] & 0xFF, b = buf[at + 1] & 0xFF;
            return bigEndian ? (a << 8) | b : (b << 8) | a;
        }

        private long u64(int at) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                int shift = bigEndian ? 56 - 8 * i : 8 * i;
                v |= (buf[at + i] & 0xFFL) << shift;
            }
            return v;
        }

        private static void expect(boolean ok, String problem, int offset) throws NvListException {
            if (!ok) throw new NvListException(problem, offset);
        }
    }

    static String foldAscii(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (sb == null) sb = new StringBuilder(s);
                sb.setCharAt(i, (char) (c + 32));
            }
        }
        return sb == null ? s : sb.toString();
    }
}
