package dev.jslirp.e2e;

/**
 * Which backend the e2e tests run against: {@code -Djslirp.e2e.backend=slirp4netns|jslirp}.
 * The default is jslirp; slirp4netns is the reference the harness was proven against.
 */
public final class Backends {
    public static final String PROPERTY = "jslirp.e2e.backend";
    public static final String DEFAULT = "jslirp";

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
