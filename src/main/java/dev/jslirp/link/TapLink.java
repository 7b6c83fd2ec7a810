package dev.jslirp.link;

import dev.jslirp.os.Errno;
import dev.jslirp.os.Sys;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tap device (IFF_TAP | IFF_NO_PI): each read() is one frame, each write() one frame.
 * The descriptor is non-blocking; a full tap queue drops the frame (the guest kernel's TCP
 * recovers, as on any lossy link).
 *
 * <p>With a virtio-net header (IFF_VNET_HDR, TUNSETOFFLOAD) every frame is preceded by the
 * 10-byte {@code struct virtio_net_hdr}: the guest kernel then hands us TCP segments of up to
 * 64 KiB with their checksum left to complete, and we hand it 64 KiB segments it splits
 * itself, whatever the MTU. The header and the frame travel as two iovecs (readv/writev),
 * so frames never move to make room for it.
 * <pre>
 * | flags 1 | gso_type 1 | hdr_len 2 | gso_size 2 | csum_start 2 | csum_offset 2 |  little-endian
 * </pre>
 */
public final class TapLink implements Link {
    public static final int VNET_HEADER_LENGTH = 10;
    static final int F_NEEDS_CSUM = 1, F_DATA_VALID = 2;
    static final int GSO_NONE = 0, GSO_TCPV4 = 1;
    /** A TSO segment from the guest: 64 KiB of IP plus the Ethernet header. */
    private static final int MAX_TSO_FRAME = 65535 + 14;

    private final int fd;
    private final int maxFrameLength;
    private final boolean vnet;
    /**
     * readv/writev vectors: the virtio-net header, then the frame (and for gather, its payload);
     * native-order ByteBuffer views of one native block. ByteBuffer, not MemorySegment, accessors
     * on this per-frame path: C1 compiles a method with six segment stores into ~1.9 MiB of
     * arena (their VarHandle chains inlined), buffer stores into a fraction, and the largest
     * compile is what the process's peak RSS keeps.
     */
    private final ByteBuffer rxHeader, txHeader, rxIov, txIov;
    private final long rxIovAddress, txIovAddress;
    private final BufferAddresses addresses = new BufferAddresses();
    private boolean checksumTrusted;
    public long droppedTooLong, droppedFull, readErrors;

    /** @param fd an open, non-blocking tap descriptor; the link owns it */
    public TapLink(int fd, int maxFrameLength) {
        this(fd, maxFrameLength, false);
    }

    /** @param vnetHeader the tap was opened with IFF_VNET_HDR (10-byte header) and offloads set */
    public TapLink(int fd, int maxFrameLength, boolean vnetHeader) {
        this.fd = fd;
        this.maxFrameLength = maxFrameLength;
        this.vnet = vnetHeader;
        Arena arena = Arena.ofAuto();
        MemorySegment block = arena.allocate(2 * 16 + 3 * 16 + 2 * VNET_HEADER_LENGTH, 16);
        rxIovAddress = block.address();
        txIovAddress = block.address() + 32;
        rxIov = view(block, 0, 32);
        txIov = view(block, 32, 48);
        rxHeader = view(block, 80, VNET_HEADER_LENGTH);
        txHeader = view(block, 80 + VNET_HEADER_LENGTH, VNET_HEADER_LENGTH);
        rxIov.putLong(0, block.address() + 80);
        rxIov.putLong(8, VNET_HEADER_LENGTH);
        txIov.putLong(0, block.address() + 80 + VNET_HEADER_LENGTH);
        txIov.putLong(8, VNET_HEADER_LENGTH);
    }

    /** The iovecs hold native longs; tun reads the virtio-net header in the host's order too (little-endian on x86). */
    private static ByteBuffer view(MemorySegment block, long offset, long length) {
        return block.asSlice(offset, length).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    @Override
    public int pollFd() { return fd; }

    @Override
    public int offloads() { return vnet ? OFFLOAD_CHECKSUM | OFFLOAD_TSO4 | OFFLOAD_GATHER : 0; }

    @Override
    public int maxReceiveLength() { return vnet ? Math.max(maxFrameLength, MAX_TSO_FRAME) : maxFrameLength; }

    @Override
    public boolean receivedChecksumTrusted() { return checksumTrusted; }

    @Override
    public int receive(ByteBuffer buf, int offset, int capacity) {
        int n;
        if (vnet) {
            rxIov.putLong(16, addresses.of(buf) + offset);
            rxIov.putLong(24, capacity);
            n = Sys.readv(fd, rxIovAddress, 2);
            if (n > 0) {
                n -= VNET_HEADER_LENGTH;
                checksumTrusted = (rxHeader.get(0) & (F_NEEDS_CSUM | F_DATA_VALID)) != 0;
                if (n <= 0) return NOTHING; // a header without a frame: nothing to do
            }
        } else {
            n = Sys.read(fd, buf, offset, capacity);
        }
        if (n > 0) return n;
        if (n == 0) return CLOSED;
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) return NOTHING;
        if (n == -Errno.ENOBUFS || n == -Errno.ENOMEM) {
            readErrors++; // transient: try again on the next readiness
            return NOTHING;
        }
        // EBADFD once the device was deleted (by the guest, or with its namespace), EIO, ...:
        // the tap will never work again, and epoll would report it ready forever.
        readErrors++;
        return CLOSED;
    }

    @Override
    public boolean send(ByteBuffer buf, int offset, int length) {
        if (length > maxFrameLength) {
            droppedTooLong++;
            return false;
        }
        if (!vnet) return wrote(Sys.write(fd, buf, offset, length), length);
        txHeader.putLong(0, 0).putShort(8, (short) 0);
        return writeWithHeader(buf, offset, length);
    }

    @Override
    public boolean sendOffloaded(ByteBuffer buf, int offset, int length, int gsoSize, int headerLength,
                                 int checksumStart, int checksumOffset) {
        if (!offloadedHeader(length, gsoSize, headerLength, checksumStart, checksumOffset)) return false;
        return writeWithHeader(buf, offset, length);
    }

    @Override
    public boolean sendOffloadedGather(ByteBuffer buf, int offset, int headerLength, long payloadAddress,
                                       int payloadLength, int gsoSize, int checksumStart, int checksumOffset) {
        if (!offloadedHeader(headerLength + payloadLength, gsoSize, headerLength, checksumStart, checksumOffset)) {
            return false;
        }
        txIov.putLong(16, addresses.of(buf) + offset);
        txIov.putLong(24, headerLength);
        txIov.putLong(32, payloadAddress);
        txIov.putLong(40, payloadLength);
        return wrote(Sys.writev(fd, txIovAddress, 3), VNET_HEADER_LENGTH + headerLength + payloadLength);
    }

    /** Fills the virtio-net header of an offloaded frame; false (counted) if the frame is too long. */
    private boolean offloadedHeader(int length, int gsoSize, int headerLength, int checksumStart, int checksumOffset) {
        if (!vnet) throw new UnsupportedOperationException("tap without a virtio-net header");
        if (length > MAX_TSO_FRAME || (gsoSize == 0 && length > maxFrameLength)) {
            droppedTooLong++;
            return false;
        }
        txHeader.put(0, (byte) F_NEEDS_CSUM);
        txHeader.put(1, (byte) (gsoSize > 0 ? GSO_TCPV4 : GSO_NONE));
        txHeader.putShort(2, (short) headerLength);
        txHeader.putShort(4, (short) gsoSize);
        txHeader.putShort(6, (short) checksumStart);
        txHeader.putShort(8, (short) checksumOffset);
        return true;
    }

    private boolean writeWithHeader(ByteBuffer buf, int offset, int length) {
        txIov.putLong(16, addresses.of(buf) + offset);
        txIov.putLong(24, length);
        return wrote(Sys.writev(fd, txIovAddress, 2), VNET_HEADER_LENGTH + length);
    }

    private boolean wrote(int n, int expected) {
        if (n == expected) return true;
        droppedFull++;
        return false;
    }

    @Override
    public int maxFrameLength() { return maxFrameLength; }

    @Override
    public void counters(java.util.Map<String, Long> out) {
        out.put("tap_dropped_too_long", droppedTooLong);
        out.put("tap_dropped_full", droppedFull);
        out.put("tap_read_errors", readErrors);
    }

    @Override
    public void close() { Sys.close(fd); }
}
