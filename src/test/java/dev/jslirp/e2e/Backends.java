package dev.jslirp.e2e;

/**
 * Which backend the e2e tests run against: {@code -Djslirp.e2e.backend=slirp4netns|jslirp}.
 * The default is slirp4netns until jslirp's launcher exists; the lead flips it then.
 */
public final class Backends {
    public static final String PROPERTY = "jslirp.e2e.backend";
    public static final String DEFAULT = "slirp4netns";

    private Backends() {}

    public static GuestBackend selected() {
        String name = System.getProperty(PROPERTY, DEFAULT).trim();
        return switch (name) {
            case "slirp4netns" -> new Slirp4netnsBackend();
            case "jslirp" -> new JslirpBackend();
            default -> throw new IllegalArgumentException(PROPERTY + "=" + name + ": expected slirp4netns or jslirp");
        };
    }
}
