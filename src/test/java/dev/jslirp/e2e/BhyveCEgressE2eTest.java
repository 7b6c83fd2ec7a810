package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link EgressE2eTest} (ICMP: see {@link BhyveEgressE2eBase}) with jslirp as bhyve's helper behind the C frontend. */
@Tag("e2e")
class BhyveCEgressE2eTest extends BhyveEgressE2eBase {
    @BeforeAll
    static void bhyveCBackend() {
        backend = new BhyveCFrontendBackend();
        String why = backend.unavailableReason();
        assumeTrue(why == null, () -> backend.name() + " unavailable: " + why);
    }
}
