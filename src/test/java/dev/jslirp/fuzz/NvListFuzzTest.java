package dev.jslirp.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jslirp.bhyve.BhyveConfig;
import dev.jslirp.bhyve.NvList;
import dev.jslirp.bhyve.NvListDecoder;
import dev.jslirp.bhyve.NvListException;
import dev.jslirp.bhyve.NvListFraming;

/**
 * Packed nvlists (what bhyve sends over its socket) into the framing checks and the decoder;
 * a decoded list then goes to bhyve's configuration reader. Only {@link NvListException} and
 * the configuration's own exception may come out.
 */
class NvListFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void nvlist(byte[] input) {
        try {
            NvListFraming.totalLength(input, 0, input.length);
            NvListFraming.descriptorCount(input, 0, input.length);
        } catch (NvListException expected) {
            // malformed header: reported, not thrown as anything else
        }
        NvList list;
        try {
            list = NvListDecoder.decode(input, new int[] {100, 101, 102});
        } catch (NvListException expected) {
            return;
        }
        list.toString();
        try {
            BhyveConfig.from(list);
        } catch (dev.jslirp.bhyve.BhyveConfigException expected) {
            // a well-formed list that is not a valid configuration
        }
    }
}
