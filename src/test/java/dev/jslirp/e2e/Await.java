package dev.jslirp.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting without sleeps-as-synchronisation: poll a condition until it holds or a deadline
 * passes. The poll interval backs off from 5 ms to 100 ms so that fast conditions are seen
 * quickly and slow ones (a DHCP lease, a namespace going away) don't burn a core.
 */
public final class Await {
    private Await() {}

    /** Polls {@code condition} until true; fails with {@code what} after {@code timeout}. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        if (!poll(condition, timeout)) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
        }
    }

    /** As {@link #until(BooleanSupplier, Duration, String)}, the description made only on failure (it may read state). */
    public static void until(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
        if (!poll(condition, timeout)) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
        }
    }

    /** Polls {@code condition} until true or {@code timeout}; returns whether it became true. */
    public static boolean poll(BooleanSupplier condition, Duration timeout) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        long pauseMs = 5;
        while (true) {
            if (condition.getAsBoolean()) return true;
            if (System.nanoTime() - deadlineNs >= 0) return false;
            pause(pauseMs);
            pauseMs = Math.min(100, pauseMs * 2);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
