package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Common frame of every e2e test: skip unless the machine and the selected backend can run,
 * a per-test time limit, and resources closed after each test in reverse order of creation,
 * pass or fail (so a failing test leaves no namespace, process or socket behind).
 */
@Tag("e2e")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class E2eTestBase {
    protected static GuestBackend backend;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    @BeforeAll
    static void selectBackend() {
        E2eEnvironment.assumeUsable();
        backend = Backends.selected();
        String why = backend.unavailableReason();
        assumeTrue(why == null, () -> "backend " + backend.name() + " unavailable: " + why);
    }

    /** Closes {@code resource} after this test. */
    protected <T extends AutoCloseable> T track(T resource) {
        resources.push(resource);
        return resource;
    }

    protected Guest startGuest(BackendOptions options) {
        return track(Guest.start(backend, options));
    }

    protected HostServers hostServers() {
        return track(new HostServers());
    }

    @AfterEach
    void closeResources() throws Exception {
        Exception first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
