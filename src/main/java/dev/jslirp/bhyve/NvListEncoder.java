package dev.jslirp.bhyve;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs an {@link NvList} byte-for-byte as libnv's {@code nvlist_pack()}/{@code nvlist_send()} does
 * (wire spec §3 to §8), in either byte order.
 *
 * <h2>Theory of operation</h2>
 * The list is first flattened into the record sequence it has on the wire (list headers, pairs,
 * UP and ARRAY_NEXT markers), then written. Three header fields depend on what comes <em>after</em>
 * a record, to the end of the whole buffer, not just to the end of its own list: a header's
 * {@code size} (bytes after it), a header's {@code descriptors} (descriptors in pairs after it) and a
 * NVLIST pair's {@code datasize}. libnv's size routine, started at the child, walks on to the end of
 * the root, so datasize is 19 + the sum over every pair after the NVLIST pair of
 * (19 + namesize + W), W being datasize for leaves, 39 for NVLIST and 39 * n for NVLIST_ARRAY; an
 * empty child gets 19 (wire spec §6.1). Suffix sums over the flat sequence give all three.
 *
 * <p>DESCRIPTOR values are written as their position in pack order (0, 1, 2, ...); the fds
 * themselves travel separately, in that order: {@link #descriptors(NvList)}.
 */
public final class NvListEncoder {
    private static final int HEADER_LENGTH = NvListDecoder.HEADER_LENGTH;
    private static final int PAIR_HEADER_LENGTH = NvListDecoder.PAIR_HEADER_LENGTH;
    private static final int MARKER_LENGTH = PAIR_HEADER_LENGTH + 1;
    /** W of a nested list in libnv's size walk: its header plus its closing marker. */
    private static final int NESTED_WEIGHT = HEADER_LENGTH + MARKER_LENGTH;

    private NvListEncoder() {}

    /** Packs in little-endian order (bhyve's amd64/arm64 hosts). */
    public static byte[] encode(NvList list) {
        return encode(list, ByteOrder.LITTLE_ENDIAN);
    }

    /** Packs in the given order; big-endian sets flag 0x80 in every list header. */
    public static byte[] encode(NvList list, ByteOrder order) {
        Flat flat = new Flat();
        flat.list(list);
        return flat.write(order == ByteOrder.BIG_ENDIAN);
    }

    /** The descriptors of {@code list} in pack order: what {@code nvlist_send()} passes with SCM_RIGHTS. */
    public static int[] descriptors(NvList list) {
        Flat flat = new Flat();
        flat.list(list);
        return flat.fds.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One record of the flat wire sequence. */
    private static final class Rec {
        final int code;          // pair type code, marker code, or -1 for a list header
        final int flags;         // list header only
        final byte[] name;       // with its NUL; pairs and markers
        final byte[] data;       // leaf pairs: value bytes in native form (numbers written later)
        final long[] numbers;    // NUMBER / DESCRIPTOR (index) / NUMBER_ARRAY / DESCRIPTOR_ARRAY values
        final long nItems;
        final boolean emptyChild; // NVLIST pair whose child has no pairs
        final int descriptorCount;

        Rec(int code, int flags, byte[] name, byte[] data, long[] numbers, long nItems, boolean emptyChild, int descriptorCount) {
            this.code = code;
            this.flags = flags;
            this.name = name;
            this.data = data;
            this.numbers = numbers;
            this.nItems = nItems;
            this.emptyChild = emptyChild;
            this.descriptorCount = descriptorCount;
        }

        boolean isHeader() { return code < 0; }

        boolean isMarker() { return code == NvType.NVLIST_UP_CODE || code == NvType.NVLIST_ARRAY_NEXT_CODE; }

        long dataLength() {
            if (data != null) return data.length;
            return numbers == null ? 0 : 8L * numbers.length;
        }

        long length() {
            if (isHeader()) return HEADER_LENGTH;
            return PAIR_HEADER_LENGTH + name.length + dataLength();
        }

        /** This pair's term in libnv's NVLIST datasize walk. */
        long weight() {
            if (isHeader() || isMarker()) return 0;
            long w = code == NvType.NVLIST.code() ? NESTED_WEIGHT
                    : code == NvType.NVLIST_ARRAY.code() ? NESTED_WEIGHT * nItems
                    : dataLength();
            return PAIR_HEADER_LENGTH + name.length + w;
        }
    }

    private static final class Flat {
        final List<Rec> recs = new ArrayList<>();
        final List<Integer> fds = new ArrayList<>();

        void list(NvList list) {
            recs.add(new Rec(-1, list.flags(), null, null, null, 0, false, 0));
            for (NvPair p : list.pairs()) pair(p);
        }

        void pair(NvPair p) {
            byte[] name = cString(p.name());
            int code = p.value().type().code();
            switch (p.value()) {
                case NvValue.NullValue v -> leaf(code, name, new byte[0], null, 0, 0);
                case NvValue.BoolValue v -> leaf(code, name, new byte[] {(byte) (v.value() ? 1 : 0)}, null, 0, 0);
                case NvValue.NumberValue v -> leaf(code, name, null, new long[] {v.value()}, 0, 0);
                case NvValue.StringValue v -> leaf(code, name, cString(v.value()), null, 0, 0);
                case NvValue.BinaryValue v -> leaf(code, name, v.value(), null, 0, 0);
                case NvValue.DescriptorValue v -> leaf(code, name, null, new long[] {index(v.fd())}, 0, 1);
                case NvValue.BoolArrayValue v -> {
                    byte[] data = new byte[v.value().size()];
                    for (int i = 0; i < data.length; i++) data[i] = (byte) (v.value().get(i) ? 1 : 0);
                    leaf(code, name, data, null, data.length, 0);
                }
                case NvValue.NumberArrayValue v -> {
                    long[] n = v.value().stream().mapToLong(Long::longValue).toArray();
                    leaf(code, name, null, n, n.length, 0);
                }
                case NvValue.DescriptorArrayValue v -> {
                    long[] n = new long[v.value().size()];
                    for (int i = 0; i < n.length; i++) n[i] = index(v.value().get(i));
                    leaf(code, name, null, n, n.length, n.length);
                }
                case NvValue.StringArrayValue v -> {
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    for (String s : v.value()) out.writeBytes(cString(s));
                    leaf(code, name, out.toByteArray(), null, v.value().size(), 0);
                }
                case NvValue.NvListValue v -> {
                    recs.add(new Rec(code, 0, name, null, null, 0, v.value().isEmpty(), 0));
                    list(v.value());
                    recs.add(marker(NvType.NVLIST_UP_CODE));
                }
                case NvValue.NvListArrayValue v -> {
                    recs.add(new Rec(code, 0, name, null, null, v.value().size(), false, 0));
                    for (NvList element : v.value()) {
                        list(element);
                        recs.add(marker(NvType.NVLIST_ARRAY_NEXT_CODE));
                    }
                }
            }
        }

        private void leaf(int code, byte[] name, byte[] data, long[] numbers, long nItems, int descriptorCount) {
            recs.add(new Rec(code, 0, name, data, numbers, nItems, false, descriptorCount));
        }

        private long index(int fd) {
            fds.add(fd);
            return fds.size() - 1;
        }

        private static Rec marker(int code) {
            return new Rec(code, 0, new byte[] {0}, null, null, 0, false, 0);
        }

        byte[] write(boolean bigEndian) {
            int n = recs.size();
            long[] bytesAfter = new long[n];
            long[] descriptorsAfter = new long[n];
            long[] weightAfter = new long[n];
            long bytes = 0, descriptors = 0, weight = 0;
            for (int i = n - 1; i >= 0; i--) {
                bytesAfter[i] = bytes;
                descriptorsAfter[i] = descriptors;
                weightAfter[i] = weight;
                Rec r = recs.get(i);
                bytes += r.length();
                descriptors += r.descriptorCount;
                weight += r.weight();
            }
            if (bytes > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("nvlist too large to pack: " + bytes + " bytes");
            Out out = new Out((int) bytes, bigEndian);
            for (int i = 0; i < n; i++) {
                Rec r = recs.get(i);
                if (r.isHeader()) {
                    out.u8(NvListDecoder.MAGIC);
                    out.u8(0); // version
                    out.u8(r.flags | (bigEndian ? NvListDecoder.FLAG_BIG_ENDIAN : 0));
                    out.u64(descriptorsAfter[i]);
                    out.u64(bytesAfter[i]);
                    continue;
                }
                long dataSize = r.code == NvType.NVLIST.code()
                        ? (r.emptyChild ? HEADER_LENGTH : HEADER_LENGTH + weightAfter[i])
                        : r.dataLength();
                out.u8(r.code);
                out.u16(r.name.length);
                out.u64(dataSize);
                out.u64(r.nItems);
                out.bytes(r.name);
                if (r.data != null) out.bytes(r.data);
                if (r.numbers != null) for (long v : r.numbers) out.u64(v);
            }
            return out.buf;
        }
    }

    private static byte[] cString(String s) {
        byte[] b = new byte[s.length() + 1];
        byte[] chars = s.getBytes(StandardCharsets.ISO_8859_1); // model guarantees chars 1..0xFF
        System.arraycopy(chars, 0, b, 0, chars.length);
        return b;
    }

    private static final class Out {
        final byte[] buf;
        final boolean bigEndian;
        int pos;

        Out(int length, boolean bigEndian) {
            this.buf = new byte[length];
            this.bigEndian = bigEndian;
        }

        void u8(int v) { buf[pos++] = (byte) v; }

        void u16(int v) {
            if (bigEndian) { u8(v >>> 8); u8(v); } else { u8(v); u8(v >>> 8); }
        }

        void u64(long v) {
            for (int i = 0; i < 8; i++) u8((int) (bigEndian ? v >>> (56 - 8 * i) : v >>> (8 * i)));
        }

        void bytes(byte[] b) {
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }
    }
}
