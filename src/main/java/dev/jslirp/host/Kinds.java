package dev.jslirp.host;

/** What a descriptor in the event loop is: the high half of its epoll data. */
public final class Kinds {
    public static final int LINK = 0;
    public static final int TCP_SOCKET = 1;
    public static final int TCP_LISTENER = 2;
    public static final int UDP_SOCKET = 3;
    public static final int UDP_LISTENER = 4;
    public static final int ICMP_SOCKET = 5;
    public static final int CONTROL = 6;

    private Kinds() {}
}
