package io.multiarch.request;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The test run inside each per-platform image: either a shell command ({@code /bin/sh -c CMD}) or an exec
 * form (argv run as the container's command, for images without a shell). The container gets
 * {@code MULTIARCH_PLATFORM}, {@code MULTIARCH_ARCH} and {@code MULTIARCH_VARIANT} in its environment.
 */
public record TestSpec(List<String> argv, boolean shell) implements Serializable {

    /** A test with a program to run; the shell form is {@code /bin/sh -c CMD} exactly. */
    public TestSpec {
        argv = List.copyOf(argv); // no null element
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("a test needs a program as its first element");
        }
        if (shell && (argv.size() != 3 || !argv.get(0).equals("/bin/sh") || !argv.get(1).equals("-c"))) {
            throw new IllegalArgumentException("a shell test is /bin/sh -c CMD");
        }
    }

    /** {@code /bin/sh -c command}. */
    public static TestSpec shell(String command) {
        return new TestSpec(List.of("/bin/sh", "-c", command), true);
    }

    /** The exec form: argv run directly, no shell involved. */
    public static TestSpec exec(List<String> argv) {
        return new TestSpec(new ArrayList<>(argv), false);
    }

    /** What a user wrote, for reports. */
    public String display() {
        return shell ? argv.get(2) : String.join(" ", argv);
    }
}
