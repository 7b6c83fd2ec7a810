package dev.jslirp.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jslirp.wire.TcpOptions;
import dev.jslirp.wire.TcpSegment;
import java.nio.ByteBuffer;

/**
 * TCP option lists, alone and as whole segments (header + options + data). Parsed values stay
 * in their ranges (window scale ≤ 14, RFC 7323 §2.3; -1 means absent).
 */
class TcpOptionsFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void options(byte[] input) {
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.max(1, input.length));
        buf.put(0, input);
        TcpOptions o = new TcpOptions();
        if (input.length <= 40 && o.parse(buf, 0, input.length)) check(o);
        TcpSegment seg = new TcpSegment().wrap(buf, 0, input.length);
        if (seg.checkLength() && o.parse(seg)) {
            check(o);
            seg.toString();
        }
    }

    private static void check(TcpOptions o) {
        assertTrue(o.windowScale >= -1 && o.windowScale <= TcpOptions.MAX_WINDOW_SCALE, o::toString);
        assertTrue(o.mss >= -1 && o.mss <= 0xFFFF, o::toString);
        o.toString();
    }
}
