package dev.jslirp.link;

import dev.jslirp.os.Errno;
import dev.jslirp.os.Sys;
import java.nio.ByteBuffer;

/**
 * A tap device (IFF_TAP | IFF_NO_PI): each read() is one frame, each write() one frame.
 * The descriptor is non-blocking; a full tap queue drops the frame (the guest kernel's TCP
 * recovers, as on any lossy link).
 */
public final class TapLink implements Link {
    private final int fd;
    private final int maxFrameLength;
    public long droppedTooLong, droppedFull, readErrors;

    /** @param fd an open, non-blocking tap descriptor; the link owns it */
    public TapLink(int fd, int maxFrameLength) {
        this.fd = fd;
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public int pollFd() { return fd; }

    @Override
    public int receive(ByteBuffer buf, int offset, int capacity) {
        while (true) {
            int n = Sys.read(fd, buf, offset, capacity);
            if (n > 0) return n;
            if (n == 0) return CLOSED;
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) return NOTHING;
            if (n == -Errno.EIO || n == -Errno.EBADF) return CLOSED;
            readErrors++;
            return NOTHING;
        }
    }

    @Override
    public boolean send(ByteBuffer buf, int offset, int length) {
        if (length > maxFrameLength) {
            droppedTooLong++;
            return false;
        }
        int n = Sys.write(fd, buf, offset, length);
        if (n == length) return true;
        droppedFull++;
        return false;
    }

    @Override
    public int maxFrameLength() { return maxFrameLength; }

    @Override
    public void close() { Sys.close(fd); }
}
