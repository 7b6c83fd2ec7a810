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
    /** slirp4netns's --exit-fd: readable or hung up means stop. */
    public static final int EXIT_FD = 7;
    /** The API socket's listener (index 0) and its connections (index = connection slot). */
    public static final int API_LISTENER = 8, API_CLIENT = 9;
    /** A spliced forward's socket (host or namespace side); the index says which connection and side. */
    public static final int SPLICE = 10;

    private Kinds() {}
}
