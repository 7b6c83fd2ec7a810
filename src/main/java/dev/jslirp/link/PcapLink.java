package dev.jslirp.link;

import dev.jslirp.os.Sys;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link Link} decorator that writes every frame, each way, to a pcap file (the classic
 * libpcap format: a 24-byte file header, then a 16-byte record header per frame; link type 1,
 * Ethernet), readable by tcpdump, tshark and Wireshark while jslirp runs.
 *
 * <p>Per frame: two {@code write(2)} calls from a preallocated header buffer and the frame's
 * own buffer; no allocation. Timestamps are wall-clock microseconds derived from one
 * {@code currentTimeMillis} at start plus the monotonic clock since, so they never go back.
 * A write error stops the capture (counted) but never the traffic.
 */
public final class PcapLink implements Link {
    static final int MAGIC = 0xA1B2C3D4, LINKTYPE_ETHERNET = 1;
    private final Link inner;
    private final int fd;
    private final ByteBuffer record = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private final long wallBaseUs = System.currentTimeMillis() * 1000L;
    private final long monoBaseNs = System.nanoTime();
    private boolean failed;
    public long framesWritten, writeErrors;

    /** O_APPEND (02000 on Linux x86-64 and aarch64): records go after the header, whoever else reads the file. */
    private static final int O_APPEND = 0x400;

    /** Wraps {@code inner}; {@code fd} is a file already holding the pcap file header, opened for appending; owned from now on. */
    public PcapLink(Link inner, int fd) {
        this.inner = inner;
        this.fd = fd;
    }

    /** The 24-byte pcap file header: magic, version 2.4, snap length, Ethernet. */
    public static byte[] fileHeader() {
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        header.putInt(0, MAGIC).putShort(4, (short) 2).putShort(6, (short) 4).putInt(8, 0).putInt(12, 0)
                .putInt(16, 65535 + 14).putInt(20, LINKTYPE_ETHERNET);
        return header.array();
    }

    /** Creates (or truncates) {@code path}, writes the file header and wraps {@code inner}. @throws IllegalArgumentException if it cannot */
    public static PcapLink open(Link inner, String path) {
        try {
            java.nio.file.Files.write(java.nio.file.Path.of(path), fileHeader());
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("--pcap " + path + ": " + e.getMessage(), e);
        }
        int fd = Sys.open(path, Sys.O_WRONLY | O_APPEND | Sys.O_CLOEXEC);
        if (fd < 0) throw new IllegalArgumentException("--pcap " + path + ": " + dev.jslirp.os.Errno.strerror(-fd));
        return new PcapLink(inner, fd);
    }

    @Override public int pollFd() { return inner.pollFd(); }

    @Override
    public int receive(ByteBuffer buf, int offset, int capacity) {
        int n = inner.receive(buf, offset, capacity);
        if (n > 0) write(buf, offset, n);
        return n;
    }

    @Override
    public boolean send(ByteBuffer buf, int offset, int length) {
        write(buf, offset, length);
        return inner.send(buf, offset, length);
    }

    @Override public int maxFrameLength() { return inner.maxFrameLength(); }

    @Override public int pollEvents() { return inner.pollEvents(); }

    /** Not {@link #OFFLOAD_GATHER}: a recorded frame must be whole in one buffer. */
    @Override public int offloads() { return inner.offloads() & ~OFFLOAD_GATHER; }

    @Override public int maxReceiveLength() { return inner.maxReceiveLength(); }

    @Override public boolean receivedChecksumTrusted() { return inner.receivedChecksumTrusted(); }

    /** Recorded as sent: a TSO segment appears whole, its TCP checksum partial (as tcpdump on a tap shows it). */
    @Override
    public boolean sendOffloaded(ByteBuffer buf, int offset, int length, int gsoSize, int headerLength,
                                 int checksumStart, int checksumOffset) {
        write(buf, offset, length);
        return inner.sendOffloaded(buf, offset, length, gsoSize, headerLength, checksumStart, checksumOffset);
    }

    private void write(ByteBuffer buf, int offset, int length) {
        if (failed) return;
        long us = wallBaseUs + (System.nanoTime() - monoBaseNs) / 1000L;
        record.putInt(0, (int) (us / 1_000_000L)).putInt(4, (int) (us % 1_000_000L)).putInt(8, length).putInt(12, length);
        if (Sys.write(fd, record, 0, 16) != 16 || Sys.write(fd, buf, offset, length) != length) {
            writeErrors++;
            failed = true; // a torn record would make the rest of the file unreadable
            return;
        }
        framesWritten++;
    }

    @Override
    public void counters(java.util.Map<String, Long> out) {
        inner.counters(out);
        out.put("pcap_frames_written", framesWritten);
        out.put("pcap_write_errors", writeErrors);
    }

    @Override
    public void close() {
        inner.close();
        Sys.close(fd);
    }
}
