package dev.jslirp.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.HttpURLConnection;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --metrics ADDR:PORT} is checked as a usage error, and HEAD and other methods get proper answers. */
class MetricsAddressTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1         | must be ADDR:PORT",
            "0.0.0.0:19999     | only a loopback address",
            "127.0.0.1:99999   | the port must be 0..65535",
            "127.0.0.1:-1      | the port must be 0..65535",
            "127.0.0.1:80x     | the port must be 0..65535",
            "example.test:9464 | IPv4 loopback address",
    })
    void badValuesNameTheOption(String value, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.parseAddress(value));
        assertTrue(e.getMessage().startsWith("--metrics"), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void loopbackAddressesParse() {
        assertEquals(9464, Metrics.parseAddress("127.0.0.1:9464").getPort());
        assertTrue(Metrics.parseAddress("127.1.2.3:0").getAddress().isLoopbackAddress());
        assertTrue(Metrics.parseAddress("localhost:0").getAddress().isLoopbackAddress());
    }

    @Test
    void headGetsHeadersOnlyAndPostIsRefused() throws Exception {
        Metrics m = new Metrics(null);
        m.serve("127.0.0.1:0");
        try {
            HttpURLConnection head = (HttpURLConnection) URI.create("http://127.0.0.1:" + m.port() + "/metrics").toURL().openConnection();
            head.setRequestMethod("HEAD");
            assertEquals(200, head.getResponseCode());
            head.disconnect();
            HttpURLConnection post = (HttpURLConnection) URI.create("http://127.0.0.1:" + m.port() + "/metrics").toURL().openConnection();
            post.setRequestMethod("POST");
            assertEquals(405, post.getResponseCode());
            post.disconnect();
        } finally {
            m.close();
        }
    }
}
