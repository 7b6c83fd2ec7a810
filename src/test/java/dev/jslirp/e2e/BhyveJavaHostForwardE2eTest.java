package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link HostForwardE2eTest} with jslirp as bhyve's helper behind the Java frontend. */
@Tag("e2e")
class BhyveJavaHostForwardE2eTest extends HostForwardE2eTest {
    @BeforeAll
    static void bhyveJavaBackend() {
        backend = new BhyveJavaFrontendBackend();
        String why = backend.unavailableReason();
        assumeTrue(why == null, () -> backend.name() + " unavailable: " + why);
    }
}
