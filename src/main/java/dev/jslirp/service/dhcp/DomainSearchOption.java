package dev.jslirp.service.dhcp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodings of domain names for DHCP options, computed once at start-up.
 *
 * <p>Option 15 (RFC 2132 §3.17) carries the name as plain ASCII text. Option 119 (RFC 3397 §2)
 * carries a list of names in DNS wire format (RFC 1035 §3.1: length-prefixed labels ending in a
 * zero byte), one after another. RFC 3397 allows compression pointers relative to the start of
 * the option data; we do not compress: the lists we send are short, and uncompressed data is
 * what every client parses.
 */
public final class DomainSearchOption {
    private DomainSearchOption() {}

    /** The RFC 3397 option 119 value for {@code names}; throws IllegalArgumentException for an invalid name. */
    public static byte[] encode(List<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : names) {
            byte[] ascii = asciiName(name);
            int start = 0;
            for (int i = 0; i <= ascii.length; i++) {
                if (i == ascii.length || ascii[i] == '.') {
                    out.write(i - start);
                    out.write(ascii, start, i - start);
                    start = i + 1;
                }
            }
            out.write(0);
        }
        return out.toByteArray();
    }

    /**
     * Validates a host name (RFC 1123 §2.1: letters, digits, hyphens; labels 1..63 bytes, 253 in
     * all), drops one trailing dot and returns it as ASCII bytes.
     */
    public static byte[] asciiName(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) throw new IllegalArgumentException("invalid domain name: '" + name + "'");
        int labelLength = 0;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '.') {
                if (labelLength == 0) throw new IllegalArgumentException("empty label in domain name: '" + name + "'");
                labelLength = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
                if (++labelLength > 63) throw new IllegalArgumentException("label longer than 63 bytes in '" + name + "'");
            } else {
                throw new IllegalArgumentException("invalid character '" + c + "' in domain name '" + name + "'");
            }
        }
        if (labelLength == 0) throw new IllegalArgumentException("empty label in domain name: '" + name + "'");
        return n.getBytes(StandardCharsets.US_ASCII);
    }
}
