package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link DnsE2eTest} with jslirp as bhyve's helper behind the C frontend. */
@Tag("e2e")
class BhyveCDnsE2eTest extends DnsE2eTest {
    @BeforeAll
    static void bhyveCBackend() {
        backend = new BhyveCFrontendBackend();
        String why = backend.unavailableReason();
        assumeTrue(why == null, () -> backend.name() + " unavailable: " + why);
    }
}
