package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link DnsE2eTest} with jslirp as bhyve's helper behind the Java frontend. */
@Tag("e2e")
class BhyveJavaDnsE2eTest extends DnsE2eTest {
    @BeforeAll
    static void bhyveJavaBackend() {
        backend = new BhyveJavaFrontendBackend();
        String why = backend.unavailableReason();
        assumeTrue(why == null, () -> backend.name() + " unavailable: " + why);
    }
}
