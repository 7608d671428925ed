package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.FilePath;
import io.multiarch.context.DockerIgnore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The ignore file BuildKit would use for a context in a workspace: {@code <Dockerfile>.dockerignore} beside the
 * Dockerfile when there is one, else {@code .dockerignore} in the context root.
 *
 * @param path   the file, relative to the workspace, or null when there is none
 * @param ignore what it says
 */
record DockerIgnoreFile(@CheckForNull String path, DockerIgnore ignore) {
    /** Larger files are not read: the stash then leaves nothing out, which is always safe. */
    static final int MAX_BYTES = 1024 * 1024;

    static DockerIgnoreFile read(FilePath workspace, String context, String dockerfile)
            throws IOException, InterruptedException {
        FilePath contextDir = workspace.child(context);
        for (String candidate : new String[] {dockerfile + ".dockerignore", DockerIgnore.FILE_NAME}) {
            FilePath file = contextDir.child(candidate);
            if (file.exists() && !file.isDirectory() && file.length() <= MAX_BYTES) {
                try (InputStream in = file.read()) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    return new DockerIgnoreFile(context.equals(".") ? candidate : context + "/" + candidate,
                            DockerIgnore.parse(text));
                }
            }
        }
        return new DockerIgnoreFile(null, DockerIgnore.none());
    }
}
