package dev.jslirp.bench;

import dev.jslirp.wire.Checksum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The Internet checksum (RFC 1071) over a 1500-byte packet and a 64 KiB segment: the cost
 * every data segment pays once in each direction (verify from the guest, fill towards it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChecksumBench {
    @Param({"1500", "65535"})
    public int length;

    private final ByteBuffer direct = ByteBuffer.allocateDirect(65535);

    @Setup
    public void setUp() {
        for (int i = 0; i < direct.capacity(); i++) direct.put(i, (byte) (i * 31));
    }

    @Benchmark
    public int compute() {
        return Checksum.compute(direct, 0, length);
    }
}
