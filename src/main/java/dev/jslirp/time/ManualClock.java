package dev.jslirp.time;

/** A clock that moves only when told to: for tests that step the loop at explicit times. */
public final class ManualClock implements NanoClock {
    private long nowNs;

    public ManualClock(long startNs) { this.nowNs = startNs; }

    @Override
    public long nanoTime() { return nowNs; }

    public void advanceNs(long deltaNs) { nowNs += deltaNs; }

    public void advanceMs(long deltaMs) { nowNs += deltaMs * 1_000_000L; }
}
