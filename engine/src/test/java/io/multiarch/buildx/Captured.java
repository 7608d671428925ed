package io.multiarch.buildx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real tool output from {@code src/test/resources/captured} (see its README for the command behind each file). */
final class Captured {
    static final String REPO = "127.0.0.1:5000/demo/hello";

    private Captured() {
    }

    /** The file's exact text, byte for byte. */
    static String text(String name) {
        try (InputStream in = Captured.class.getResourceAsStream("/captured/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no captured file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
