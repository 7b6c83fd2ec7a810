package dev.jslirp.time;

/** Monotonic time in nanoseconds. Only the event loop owns one; everything else takes {@code nowNs}. */
@FunctionalInterface
public interface NanoClock {
    long nanoTime();

    NanoClock SYSTEM = System::nanoTime;
}
