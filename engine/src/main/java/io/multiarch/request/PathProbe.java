package io.multiarch.request;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Answers whether the build context and Dockerfile exist, on the machine that will build: this JVM's file system
 * for the CLI ({@link #LOCAL}), a Jenkins agent's workspace for the plugin.
 */
public interface PathProbe {

    /** This machine's file system. */
    PathProbe LOCAL = new PathProbe() {
        @Override
        public boolean isDirectory(String path) {
            return Files.isDirectory(Path.of(path));
        }

        @Override
        public boolean isRegularFile(String path) {
            return Files.isRegularFile(Path.of(path));
        }
    };

    /**
     * Accepts every path: for validating a request where the build context is not at hand yet (a Jenkins
     * controller planning a build), before the real check on the machine that builds.
     */
    PathProbe UNCHECKED = new PathProbe() {
        @Override
        public boolean isDirectory(String path) {
            return true;
        }

        @Override
        public boolean isRegularFile(String path) {
            return true;
        }
    };

    boolean isDirectory(String path) throws IOException, InterruptedException;

    boolean isRegularFile(String path) throws IOException, InterruptedException;
}
