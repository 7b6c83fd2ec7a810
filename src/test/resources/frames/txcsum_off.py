# Turns off TX checksum offload on an interface (what `ethtool -K IF tx off` does), so that
# captured TCP/UDP checksums are complete rather than CHECKSUM_PARTIAL pseudo-header sums.
import ctypes, fcntl, socket, struct, sys
SIOCETHTOOL, ETHTOOL_STXCSUM = 0x8946, 0x17
val = ctypes.create_string_buffer(struct.pack('II', ETHTOOL_STXCSUM, 0))
ifr = struct.pack('16sP', sys.argv[1].encode(), ctypes.addressof(val)) + bytes(16)
fcntl.ioctl(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), SIOCETHTOOL, ifr)
