package dev.jslirp.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Idle timeouts expire exactly the slots idle for the timeout, whatever traffic came between. */
class IdleTimeoutsTest {
    private static final long TIMEOUT = 100;
    private static final int SLOTS = 8;

    @Test
    void trafficPostponesExpiryAndAStoppedSlotNeverExpires() {
        IdleTimeouts t = new IdleTimeouts(4, TIMEOUT);
        List<Integer> expired = new ArrayList<>();
        t.start(0, 0);
        t.start(1, 10);
        t.start(2, 20);
        t.stop(2);
        assertEquals(100, t.nextDeadlineNs());
        t.touch(0, 60);
        t.expire(100, expired::add);
        assertEquals(List.of(), expired, "slot 0 was active at 60");
        assertEquals(110, t.nextDeadlineNs());
        t.expire(110, expired::add);
        assertEquals(List.of(1), expired);
        t.expire(159, expired::add);
        assertEquals(List.of(1), expired);
        t.expire(160, expired::add);
        assertEquals(List.of(1, 0), expired);
        assertEquals(Long.MAX_VALUE, t.nextDeadlineNs(), "slot 2 was stopped");
    }

    /** One step: a slot, what happens to it (0 start, 1 touch, 2 stop, 3 expire), and how much time passes first. */
    record Step(int slot, int action, int advance) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, SLOTS - 1), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 60)).as(Step::new).list().ofMaxSize(150);
    }

    @Property(tries = 1000)
    void expiresWhatAModelOfLastActivityWouldExpire(@ForAll("steps") List<Step> steps) {
        IdleTimeouts t = new IdleTimeouts(SLOTS, TIMEOUT);
        Map<Integer, Long> lastActive = new HashMap<>();
        long now = 0;
        for (Step step : steps) {
            now += step.advance();
            switch (step.action()) {
                case 0 -> { if (!lastActive.containsKey(step.slot())) { t.start(step.slot(), now); lastActive.put(step.slot(), now); } }
                case 1 -> { if (lastActive.containsKey(step.slot())) { t.touch(step.slot(), now); lastActive.put(step.slot(), now); } }
                case 2 -> { t.stop(step.slot()); lastActive.remove(step.slot()); }
                default -> {
                    List<Integer> got = new ArrayList<>();
                    t.expire(now, got::add);
                    long at = now;
                    List<Integer> want = lastActive.entrySet().stream().filter(e -> e.getValue() + TIMEOUT <= at)
                            .map(Map.Entry::getKey).sorted().toList();
                    assertEquals(want, got.stream().sorted().toList());
                    want.forEach(lastActive::remove);
                }
            }
            long earliest = lastActive.values().stream().mapToLong(v -> v + TIMEOUT).min().orElse(Long.MAX_VALUE);
            // The queue may look again earlier than the true expiry (activity it has not seen yet), never later.
            assertEquals(true, t.nextDeadlineNs() <= earliest, "next " + t.nextDeadlineNs() + " > true " + earliest);
        }
    }
}
