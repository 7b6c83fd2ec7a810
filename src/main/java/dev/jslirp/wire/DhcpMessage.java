package dev.jslirp.wire;

import java.nio.ByteBuffer;

/**
 * BOOTP/DHCP message view (RFC 951, RFC 2131 §2), the UDP payload to or from ports 67/68.
 * <pre>
 *  0       1       2       3
 * +-------+-------+-------+-------+
 * |  op   | htype | hlen  | hops  |   0
 * +-------+-------+-------+-------+
 * |             xid               |   4
 * +---------------+---------------+
 * |     secs      |     flags     |   8   flags: bit 15 = BROADCAST (RFC 2131 §2, Figure 2)
 * +---------------+---------------+
 * |    ciaddr   yiaddr   siaddr   |  12, 16, 20
 * |    giaddr                     |  24
 * +-------------------------------+
 * |    chaddr (16)                |  28
 * |    sname  (64)                |  44
 * |    file   (128)               | 108
 * +-------------------------------+
 * |    magic cookie 99.130.83.99  | 236   (RFC 2131 §3, RFC 1497)
 * +-------------------------------+
 * |    options (variable)         | 240
 * +-------------------------------+
 * </pre>
 *
 * <p>Options are TLVs, except pad (0) and end (255) which are a single byte (RFC 2132 §3).
 * {@link #checkLength()} walks every option once and rejects the message if any option's
 * length runs past the end of the datagram, so after it returns true {@link #findOption} and
 * an {@link OptionCursor} can never step outside the buffer. Options carried in sname/file
 * through option overload (52, RFC 2132 §9.3) are not read: option 52 is just skipped like any
 * unknown option. Repeated options (RFC 3396 concatenation) are not joined: the first wins.
 *
 * <p>Absolute get/put only: the buffer's position and limit are never touched.
 */
public final class DhcpMessage {
    public static final int OP_OFFSET = 0, HTYPE_OFFSET = 1, HLEN_OFFSET = 2, HOPS_OFFSET = 3, XID_OFFSET = 4,
            SECS_OFFSET = 8, FLAGS_OFFSET = 10, CIADDR_OFFSET = 12, YIADDR_OFFSET = 16, SIADDR_OFFSET = 20,
            GIADDR_OFFSET = 24, CHADDR_OFFSET = 28, SNAME_OFFSET = 44, FILE_OFFSET = 108, MAGIC_OFFSET = 236,
            OPTIONS_OFFSET = 240;
    public static final int CHADDR_LENGTH = 16, SNAME_LENGTH = 64, FILE_LENGTH = 128;
    /** Fixed fields plus the magic cookie: the smallest DHCP message (RFC 2131 §3). */
    public static final int HEADER_LENGTH = OPTIONS_OFFSET;
    /** RFC 1542 §3.4 / RFC 951: a BOOTP message is at least 300 bytes; shorter replies are padded. */
    public static final int MIN_BOOTP_LENGTH = 300;
    /** RFC 2131 §2: every client accepts 576-byte IP datagrams, i.e. 548 bytes of DHCP message. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 576 - 20 - 8;
    public static final int MAGIC_COOKIE = 0x6382_5363;

    public static final int OP_BOOTREQUEST = 1, OP_BOOTREPLY = 2;
    public static final int HTYPE_ETHERNET = 1, HLEN_ETHERNET = 6;
    public static final int FLAG_BROADCAST = 0x8000;

    // Option codes (RFC 2132 unless noted)
    public static final int OPTION_PAD = 0, OPTION_SUBNET_MASK = 1, OPTION_ROUTER = 3, OPTION_DNS = 6,
            OPTION_HOSTNAME = 12, OPTION_DOMAIN_NAME = 15, OPTION_INTERFACE_MTU = 26, OPTION_REQUESTED_IP = 50,
            OPTION_LEASE_TIME = 51, OPTION_OVERLOAD = 52, OPTION_MESSAGE_TYPE = 53, OPTION_SERVER_ID = 54,
            OPTION_PARAMETER_REQUEST_LIST = 55, OPTION_MESSAGE = 56, OPTION_MAX_MESSAGE_SIZE = 57,
            OPTION_RENEWAL_TIME = 58, OPTION_REBINDING_TIME = 59, OPTION_CLIENT_ID = 61,
            OPTION_DOMAIN_SEARCH = 119 /* RFC 3397 */, OPTION_END = 255;

    // DHCP message types, option 53 (RFC 2132 §9.6)
    public static final int DHCPDISCOVER = 1, DHCPOFFER = 2, DHCPREQUEST = 3, DHCPDECLINE = 4, DHCPACK = 5,
            DHCPNAK = 6, DHCPRELEASE = 7, DHCPINFORM = 8;

    private ByteBuffer buf;
    private int offset;
    private int available;

    public DhcpMessage wrap(ByteBuffer buf, int offset, int available) {
        this.buf = buf;
        this.offset = offset;
        this.available = available;
        return this;
    }

    /**
     * After this returns true every fixed-field accessor, {@link #findOption} and an
     * {@link OptionCursor} stay inside the message: the fixed header and the magic cookie are
     * present and every option fits. A missing end option is tolerated (the options then run
     * to the end of the datagram, as some BOOTP relays truncate), an overlong one is not.
     */
    public boolean checkLength() {
        if (buf == null || available < HEADER_LENGTH) return false;
        if (buf.getInt(offset + MAGIC_OFFSET) != MAGIC_COOKIE) return false;
        int end = offset + available;
        int p = offset + OPTIONS_OFFSET;
        while (p < end) {
            int code = buf.get(p) & 0xFF;
            if (code == OPTION_END) return true;
            if (code == OPTION_PAD) {
                p++;
                continue;
            }
            if (p + 2 > end) return false;                // code without a length byte
            int len = buf.get(p + 1) & 0xFF;
            if (p + 2 + len > end) return false;          // value runs past the datagram
            p += 2 + len;
        }
        return true;
    }

    public ByteBuffer buffer() { return buf; }
    public int offset() { return offset; }
    public int length() { return available; }

    public int op() { return buf.get(offset + OP_OFFSET) & 0xFF; }
    public int htype() { return buf.get(offset + HTYPE_OFFSET) & 0xFF; }
    public int hlen() { return buf.get(offset + HLEN_OFFSET) & 0xFF; }
    public int hops() { return buf.get(offset + HOPS_OFFSET) & 0xFF; }
    public int xid() { return buf.getInt(offset + XID_OFFSET); }
    public int secs() { return Short.toUnsignedInt(buf.getShort(offset + SECS_OFFSET)); }
    public int flags() { return Short.toUnsignedInt(buf.getShort(offset + FLAGS_OFFSET)); }
    public boolean broadcastFlag() { return (flags() & FLAG_BROADCAST) != 0; }
    public int ciaddr() { return buf.getInt(offset + CIADDR_OFFSET); }
    public int yiaddr() { return buf.getInt(offset + YIADDR_OFFSET); }
    public int siaddr() { return buf.getInt(offset + SIADDR_OFFSET); }
    public int giaddr() { return buf.getInt(offset + GIADDR_OFFSET); }
    /** The first six bytes of chaddr, meaningful when htype/hlen say Ethernet. */
    public long chaddrMac() { return MacAddress.read(buf, offset + CHADDR_OFFSET); }
    public int magicCookie() { return buf.getInt(offset + MAGIC_OFFSET); }
    public int optionsOffset() { return offset + OPTIONS_OFFSET; }

    /**
     * Absolute offset of the value of the first option {@code code}, or -1 if absent. The value's
     * length is {@link #optionLength(int)} of that offset. Only valid after {@link #checkLength()}.
     */
    public int findOption(int code) {
        int end = offset + available;
        int p = offset + OPTIONS_OFFSET;
        while (p < end) {
            int c = buf.get(p) & 0xFF;
            if (c == OPTION_END) return -1;
            if (c == OPTION_PAD) {
                p++;
                continue;
            }
            if (c == code) return p + 2;
            p += 2 + (buf.get(p + 1) & 0xFF);
        }
        return -1;
    }

    /** Length of the option whose value starts at {@code valueOffset} (as returned by {@link #findOption}). */
    public int optionLength(int valueOffset) { return buf.get(valueOffset - 1) & 0xFF; }

    /** The DHCP message type (option 53), or 0 for a plain BOOTP message or a malformed option 53. */
    public int messageType() {
        int v = findOption(OPTION_MESSAGE_TYPE);
        if (v < 0 || optionLength(v) != 1) return 0;
        return buf.get(v) & 0xFF;
    }

    /**
     * A 4-byte address option (requested IP 50, server identifier 54): the address, or
     * {@code 0} if absent or of the wrong length (0.0.0.0 is never a valid value for either).
     */
    public int addressOption(int code) {
        int v = findOption(code);
        if (v < 0 || optionLength(v) != 4) return 0;
        return buf.getInt(v);
    }

    /** True if the parameter request list (option 55) names {@code code}. */
    public boolean requestsParameter(int code) {
        int v = findOption(OPTION_PARAMETER_REQUEST_LIST);
        if (v < 0) return false;
        int len = optionLength(v);
        for (int i = 0; i < len; i++) {
            if ((buf.get(v + i) & 0xFF) == code) return true;
        }
        return false;
    }

    /**
     * A reusable, allocation-free walk over the options of a checked message:
     * <pre>{@code for (cursor.reset(msg); cursor.next(); ) { switch (cursor.code()) { ... } } }</pre>
     * Pad options are skipped, the walk stops at the end option or the end of the message.
     */
    public static final class OptionCursor {
        private ByteBuffer buf;
        private int next;
        private int end;
        private int code;
        private int valueOffset;
        private int length;

        public OptionCursor reset(DhcpMessage msg) {
            this.buf = msg.buf;
            this.next = msg.offset + OPTIONS_OFFSET;
            this.end = msg.offset + msg.available;
            return this;
        }

        /** Moves to the next option; false at the end. Never leaves the message, even unchecked. */
        public boolean next() {
            while (next < end) {
                int c = buf.get(next) & 0xFF;
                if (c == OPTION_END) break;
                if (c == OPTION_PAD) {
                    next++;
                    continue;
                }
                if (next + 2 > end) break;
                int len = buf.get(next + 1) & 0xFF;
                if (next + 2 + len > end) break;
                code = c;
                length = len;
                valueOffset = next + 2;
                next += 2 + len;
                return true;
            }
            next = end;
            return false;
        }

        public int code() { return code; }
        public int length() { return length; }
        public int valueOffset() { return valueOffset; }
    }

    // ---- emit helpers: each returns the offset just past what it wrote ----

    /**
     * Writes the fixed fields and the magic cookie at {@code offset}, zeroing sname, file and
     * the unused part of chaddr; returns the offset where options start.
     */
    public static int emitHeader(ByteBuffer buf, int offset, int op, int xid, int flags, int ciaddr, int yiaddr,
            int siaddr, int giaddr, long chaddrMac) {
        for (int i = 0; i < HEADER_LENGTH; i += 4) buf.putInt(offset + i, 0);
        buf.put(offset + OP_OFFSET, (byte) op);
        buf.put(offset + HTYPE_OFFSET, (byte) HTYPE_ETHERNET);
        buf.put(offset + HLEN_OFFSET, (byte) HLEN_ETHERNET);
        buf.putInt(offset + XID_OFFSET, xid);
        buf.putShort(offset + FLAGS_OFFSET, (short) flags);
        buf.putInt(offset + CIADDR_OFFSET, ciaddr);
        buf.putInt(offset + YIADDR_OFFSET, yiaddr);
        buf.putInt(offset + SIADDR_OFFSET, siaddr);
        buf.putInt(offset + GIADDR_OFFSET, giaddr);
        MacAddress.write(buf, offset + CHADDR_OFFSET, chaddrMac);
        buf.putInt(offset + MAGIC_OFFSET, MAGIC_COOKIE);
        return offset + OPTIONS_OFFSET;
    }

    public static int emitByteOption(ByteBuffer buf, int p, int code, int value) {
        buf.put(p, (byte) code);
        buf.put(p + 1, (byte) 1);
        buf.put(p + 2, (byte) value);
        return p + 3;
    }

    public static int emitShortOption(ByteBuffer buf, int p, int code, int value) {
        buf.put(p, (byte) code);
        buf.put(p + 1, (byte) 2);
        buf.putShort(p + 2, (short) value);
        return p + 4;
    }

    /** A 4-byte option: an address or a 32-bit time in seconds. */
    public static int emitIntOption(ByteBuffer buf, int p, int code, int value) {
        buf.put(p, (byte) code);
        buf.put(p + 1, (byte) 4);
        buf.putInt(p + 2, value);
        return p + 6;
    }

    /** An option with an opaque value of at most 255 bytes (longer values need RFC 3396 splitting: our bug). */
    public static int emitBytesOption(ByteBuffer buf, int p, int code, byte[] value) {
        if (value.length > 255) throw new IllegalArgumentException("option " + code + " longer than 255 bytes");
        buf.put(p, (byte) code);
        buf.put(p + 1, (byte) value.length);
        buf.put(p + 2, value);
        return p + 2 + value.length;
    }

    /**
     * Writes the end option at {@code p} and zero-pads up to {@link #MIN_BOOTP_LENGTH} bytes
     * after {@code messageOffset}; returns the message length.
     */
    public static int emitEnd(ByteBuffer buf, int messageOffset, int p) {
        buf.put(p++, (byte) OPTION_END);
        while (p - messageOffset < MIN_BOOTP_LENGTH) buf.put(p++, (byte) 0);
        return p - messageOffset;
    }

    public static String messageTypeName(int type) {
        return switch (type) {
            case DHCPDISCOVER -> "DISCOVER";
            case DHCPOFFER -> "OFFER";
            case DHCPREQUEST -> "REQUEST";
            case DHCPDECLINE -> "DECLINE";
            case DHCPACK -> "ACK";
            case DHCPNAK -> "NAK";
            case DHCPRELEASE -> "RELEASE";
            case DHCPINFORM -> "INFORM";
            case 0 -> "BOOTP";
            default -> "type-" + type;
        };
    }

    /** tcpdump-like: {@code DHCP REQUEST xid 0x50cd744f chaddr 52:54:00:12:34:56 ciaddr 0.0.0.0 ...}. */
    @Override
    public String toString() {
        if (!checkLength()) return "DHCP[truncated or malformed]";
        StringBuilder sb = new StringBuilder("DHCP ")
                .append(op() == OP_BOOTREPLY ? "reply " : "")
                .append(messageTypeName(messageType()))
                .append(" xid 0x").append(Integer.toHexString(xid()))
                .append(" chaddr ").append(MacAddress.toString(chaddrMac()));
        if (broadcastFlag()) sb.append(" [B]");
        if (ciaddr() != 0) sb.append(" ciaddr ").append(Ipv4Address.toString(ciaddr()));
        if (yiaddr() != 0) sb.append(" yiaddr ").append(Ipv4Address.toString(yiaddr()));
        int requested = addressOption(OPTION_REQUESTED_IP);
        if (requested != 0) sb.append(" requested ").append(Ipv4Address.toString(requested));
        int server = addressOption(OPTION_SERVER_ID);
        if (server != 0) sb.append(" server-id ").append(Ipv4Address.toString(server));
        return sb.toString();
    }
}
