package io.multiarch.binfmt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A binfmt_misc directory for tests: a copy, in a temporary directory, of the kernel's table as captured on a
 * Debian 12 machine with qemu-user-static 7.2 (see {@code src/test/resources/binfmt/README.md}), which tests
 * then change the way an administrator could (disable an entry, remove it, drop the F flag, unmount).
 */
public final class BinfmtFixture {
    private static final String CAPTURED = "/binfmt/debian12-qemu-user-static-7.2";

    private final Path dir;

    private BinfmtFixture(Path dir) {
        this.dir = dir;
    }

    /** The captured table, copied into {@code parent}/binfmt_misc. */
    public static BinfmtFixture debianQemuUserStatic(Path parent) {
        try {
            Path target = Files.createDirectories(parent.resolve("binfmt_misc"));
            try (Stream<Path> files = Files.list(capturedDir())) {
                for (Path f : files.toList()) {
                    Files.copy(f, target.resolve(f.getFileName().toString()));
                }
            }
            return new BinfmtFixture(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory as captured, read only. */
    public static Path capturedDir() {
        URL url = BinfmtFixture.class.getResource(CAPTURED);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of one captured entry, e.g. {@code qemu-aarch64}. */
    public static String captured(String name) {
        try {
            return Files.readString(capturedDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String path() {
        return dir.toString();
    }

    /** As {@code echo 0 > NAME}: the kernel then shows {@code disabled} on the first line. */
    public BinfmtFixture disable(String name) {
        return rewrite(name, List.of("enabled", "disabled"));
    }

    /** As {@code echo -1 > NAME}. */
    public BinfmtFixture remove(String name) {
        try {
            Files.delete(dir.resolve(name));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Re-registered with other flags, e.g. {@code P} only, as binfmt-support does without qemu's F. */
    public BinfmtFixture flags(String name, String flags) {
        return rewrite(name, List.of("flags: PF", "flags: " + flags));
    }

    /** As {@code echo 0 > status}. */
    public BinfmtFixture disableGlobally() {
        try {
            Files.writeString(dir.resolve("status"), "disabled\n");
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** binfmt_misc not mounted: the directory exists but is empty, as {@code /proc/sys/fs/binfmt_misc} then is. */
    public BinfmtFixture unmount() {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an entry, e.g. to stand for one that {@code update-binfmts --enable} registered. */
    public BinfmtFixture write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BinfmtFixture rewrite(String name, List<String> fromTo) {
        try {
            Path f = dir.resolve(name);
            String text = Files.readString(f);
            if (!text.contains(fromTo.get(0))) {
                throw new IllegalStateException(name + " has no '" + fromTo.get(0) + "':\n" + text);
            }
            Files.writeString(f, text.replace(fromTo.get(0), fromTo.get(1)));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
