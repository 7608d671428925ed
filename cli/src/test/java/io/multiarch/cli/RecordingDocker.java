package io.multiarch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A stand-in for the docker executable that records every call: when executed it appends its argv to a marker
 * file and fails, so a test can prove that no process was started (the marker file does not exist).
 */
final class RecordingDocker {
    private final Path executable;
    private final Path marker;

    private RecordingDocker(Path executable, Path marker) {
        this.executable = executable;
        this.marker = marker;
    }

    /** Writes the recording script into {@code dir}. */
    static RecordingDocker in(Path dir) throws IOException {
        Path marker = dir.resolve("docker-was-called.txt");
        Path script = dir.resolve("docker");
        Files.writeString(script, "#!/bin/sh\n"
                + "printf '%s\\n' \"docker $*\" >> '" + marker + "'\n"
                + "echo 'fake docker: not a real daemon' >&2\n"
                + "exit 1\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new RecordingDocker(script, marker);
    }

    String path() {
        return executable.toString();
    }

    boolean wasCalled() {
        return Files.exists(marker);
    }

    String calls() throws IOException {
        return wasCalled() ? Files.readString(marker, StandardCharsets.UTF_8) : "";
    }
}
