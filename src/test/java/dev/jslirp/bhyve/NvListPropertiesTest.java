package dev.jslirp.bhyve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Untrusted bytes never make the decoder throw anything but NvListException; encode/decode round-trips. */
class NvListPropertiesTest {

    @Property(tries = 3000)
    void randomBytesOnlyEverRaiseNvListException(@ForAll @Size(max = 300) byte[] bytes) {
        decodeOrReject(bytes, new int[] {3, 4});
    }

    /** Random pair records behind a valid root header, so the walk gets past the header checks. */
    @Property(tries = 3000)
    void randomBodiesBehindAValidHeaderOnlyEverRaiseNvListException(@ForAll @Size(max = 400) byte[] body,
                                                                    @ForAll boolean bigEndian) {
        byte[] bytes = new byte[19 + body.length];
        bytes[0] = 0x6c;
        bytes[2] = (byte) (bigEndian ? 0x80 : 0);
        putU64(bytes, 11, body.length, bigEndian);
        System.arraycopy(body, 0, bytes, 19, body.length);
        decodeOrReject(bytes, new int[0]);
    }

    @Property(tries = 5000)
    void mutatedGoldenVectorsOnlyEverRaiseNvListException(@ForAll("vectors") String name, @ForAll long seed) {
        byte[] bytes = mutate(Vectors.bin(name), new Random(seed));
        decodeOrReject(bytes, Vectors.fdsFor(name));
    }

    @Property(tries = 1000)
    void randomListsRoundTripInBothByteOrders(@ForAll long seed, @ForAll boolean bigEndian) throws Exception {
        NvList list = new RandomNvList(new Random(seed)).list(0);
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] packed = NvListEncoder.encode(list, order);
        int[] fds = NvListEncoder.descriptors(list);
        assertEquals(packed.length, NvListFraming.totalLength(packed));
        assertEquals(fds.length, NvListFraming.descriptorCount(packed));
        NvList decoded = NvListDecoder.decode(packed, fds, list.flags()); // receiver flags = root flags
        assertEquals(list, decoded);
        assertArrayEquals(packed, NvListEncoder.encode(decoded, order));
    }

    @Provide
    Arbitrary<String> vectors() {
        return Arbitraries.of(Vectors.ALL);
    }

    /** Decodes; a successful result must re-encode without error. Any other exception fails the property. */
    private static void decodeOrReject(byte[] bytes, int[] fds) {
        NvList list;
        try {
            list = NvListDecoder.decode(bytes, fds);
        } catch (NvListException expected) {
            return;
        }
        NvListEncoder.encode(list);
        try {
            NvListFraming.totalLength(bytes);
        } catch (NvListException e) {
            throw new AssertionError("decoder accepted what framing rejects: " + e.getMessage());
        }
    }

    private static byte[] mutate(byte[] in, Random r) {
        List<Byte> b = new ArrayList<>();
        for (byte x : in) b.add(x);
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            int op = r.nextInt(6);
            int at = b.isEmpty() ? 0 : r.nextInt(b.size());
            switch (op) {
                case 0, 1 -> { if (!b.isEmpty()) b.set(at, (byte) r.nextInt(256)); }
                case 2 -> { if (!b.isEmpty()) b.set(at, (byte) (b.get(at) ^ (1 << r.nextInt(8)))); }
                case 3 -> { if (!b.isEmpty()) b.subList(at, b.size()).clear(); }
                case 4 -> b.add(at, (byte) r.nextInt(256));
                default -> { if (!b.isEmpty()) b.remove(at); }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) out[i] = b.get(i);
        // Half the time keep the root size consistent so the mutation reaches the pairs.
        if (out.length >= 19 && r.nextBoolean()) putU64(out, 11, out.length - 19, (out[2] & 0x80) != 0);
        return out;
    }

    private static void putU64(byte[] b, int at, long v, boolean bigEndian) {
        for (int i = 0; i < 8; i++) b[at + i] = (byte) (bigEndian ? v >>> (56 - 8 * i) : v >>> (8 * i));
    }

    /** Random well-formed lists: every type, nesting, arrays, both flags, Latin-1 names. */
    static final class RandomNvList {
        private final Random r;
        private int nextFd = 10;

        RandomNvList(Random r) { this.r = r; }

        NvList list(int depth) {
            int flags = r.nextInt(8) == 0 ? r.nextInt(4) : 0;
            NvList.Builder b = NvList.builder(flags);
            int n = r.nextInt(depth == 0 ? 8 : 4);
            for (int i = 0; i < n; i++) {
                String name = string(6);
                if (!b.canAdd(name)) continue;
                b.add(name, value(depth));
            }
            return b.build();
        }

        private NvValue value(int depth) {
            int t = r.nextInt(depth < 3 ? 12 : 10);
            return switch (t) {
                case 0 -> new NvValue.NullValue();
                case 1 -> new NvValue.BoolValue(r.nextBoolean());
                case 2 -> new NvValue.NumberValue(r.nextLong());
                case 3 -> new NvValue.StringValue(string(10));
                case 4 -> new NvValue.BinaryValue(bytes());
                case 5 -> new NvValue.DescriptorValue(nextFd++);
                case 6 -> new NvValue.BoolArrayValue(items(() -> r.nextBoolean()));
                case 7 -> new NvValue.NumberArrayValue(items(r::nextLong));
                case 8 -> new NvValue.StringArrayValue(items(() -> string(5)));
                case 9 -> new NvValue.DescriptorArrayValue(items(() -> nextFd++));
                case 10 -> new NvValue.NvListValue(list(depth + 1));
                default -> new NvValue.NvListArrayValue(items(() -> list(depth + 1)));
            };
        }

        private <T> List<T> items(java.util.function.Supplier<T> s) {
            int n = 1 + r.nextInt(3);
            List<T> l = new ArrayList<>();
            for (int i = 0; i < n; i++) l.add(s.get());
            return l;
        }

        private String string(int max) {
            int n = r.nextInt(max + 1);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) sb.append((char) (r.nextInt(4) == 0 ? 1 + r.nextInt(255) : 'a' + r.nextInt(3)));
            return sb.toString();
        }

        private byte[] bytes() {
            byte[] b = new byte[1 + r.nextInt(6)];
            r.nextBytes(b);
            return b;
        }
    }
}
