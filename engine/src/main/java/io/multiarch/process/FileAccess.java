package io.multiarch.process;

import java.io.IOException;
import java.util.List;

/**
 * File access on the machine where commands run: the CLI's own machine, or a Jenkins agent. The engine reads
 * buildx's metadata files, the kernel's binfmt_misc table and writes nothing but its temporary directories
 * through it.
 */
public interface FileAccess {

    boolean exists(String path) throws IOException, InterruptedException;

    /** The names in a directory, sorted. */
    List<String> list(String dir) throws IOException, InterruptedException;

    /** The whole file as UTF-8. */
    String read(String path) throws IOException, InterruptedException;

    /** A new private directory for one run's files. */
    String createTempDirectory(String prefix) throws IOException, InterruptedException;

    void deleteRecursively(String path) throws IOException, InterruptedException;
}
