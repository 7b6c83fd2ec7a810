package dev.jslirp.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
    @Test
    void oneLinePerIntervalAndTheRestCounted() {
        RateLimitedLog log = new RateLimitedLog(System.getLogger("jslirp.test"), 10_000_000_000L);
        long t = -5_000_000_000L; // nanoTime may be negative
        assertTrue(log.warn(t, "cap hit"));
        for (int i = 0; i < 1000; i++) assertFalse(log.warn(t + i, "cap hit"));
        assertEquals(1000, log.suppressed());
        assertTrue(log.warn(t + 10_000_000_000L, "cap hit"));
        assertEquals(0, log.suppressed());
    }
}
