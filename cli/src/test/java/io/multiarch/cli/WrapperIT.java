package io.multiarch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/multiarch}, the wrapper users start, with the jar of this build ({@code cli/target/multiarch.jar}, its
 * default): the class-data-sharing archive that the first build writes is used by every later start, whatever the
 * directory the wrapper is started from and however its path is written. {@code -Xshare:on} makes the JVM refuse to
 * start when the archive does not map (by default it would silently run without it, and without the JDK's own).
 */
class WrapperIT {
    /** The repository's root: failsafe runs in the module's directory. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path cache;
    @TempDir
    Path elsewhere;

    @Test
    void theArchiveWrittenByTheFirstBuildMapsFromAnyDirectory() throws Exception {
        // a build that stops at its input's validation still loads the classes of a start; the archive is written after it
        Result first = run(ROOT, Map.of(), "bin/multiarch", "build", elsewhere.resolve("no-such-context").toString(),
                "--image", "127.0.0.1:5000/wrapper-it", "--platforms", "linux/amd64");
        assertThat(first.exit).as(first.output).isEqualTo(2);
        assertThat(first.output).contains("argument 'CONTEXT'");
        try (Stream<Path> files = Files.list(cache.resolve("multiarch"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .singleElement().asString().startsWith("cds-").endsWith(".jsa");
        }

        Map<String, String> strict = Map.of("MULTIARCH_JAVA_OPTS", "-Xshare:on");
        for (Result r : List.of(
                run(ROOT, strict, "bin/multiarch", "--version"),
                run(ROOT, strict, "./bin/multiarch", "--version"),
                run(elsewhere, strict, ROOT.resolve("bin/multiarch").toString(), "--version"),
                run(ROOT.resolve("cli"), strict, "../bin/multiarch", "--version"))) {
            assertThat(r.exit).as(r.command + " from " + r.dir + ":\n" + r.output).isZero();
            assertThat(r.output).startsWith("multiarch ");
        }
    }

    private record Result(List<String> command, Path dir, int exit, String output) {
    }

    private Result run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(elsewhere, "wrapper", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("MULTIARCH_JAR");
        pb.environment().remove("MULTIARCH_CDS");
        pb.environment().put("MULTIARCH_SERVER", "off"); // the archive only here: the server is ServerIT's
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(List.of(command) + " did not end within 120 s");
        }
        return new Result(List.of(command), dir, p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
