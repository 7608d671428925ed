package io.jenkins.plugins.multiarch;

import hudson.FilePath;
import hudson.remoting.VirtualChannel;
import jenkins.security.MasterToSlaveCallable;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory of one platform stage's own on its agent, outside every workspace (mode 700 in the agent's temporary
 * directory): the registry login's {@code DOCKER_CONFIG} and buildx's metadata files live there, where no workspace
 * browser or other job can read them, and it is deleted when the stage ends.
 */
final class PrivateTempDir {
    /** The start of every such directory's name. */
    static final String PREFIX = "multiarch-step-";

    private PrivateTempDir() {
    }

    /** Creates the directory on the machine behind {@code channel}. */
    static FilePath create(VirtualChannel channel) throws IOException, InterruptedException {
        return new FilePath(channel, channel.call(new Create(PREFIX)));
    }

    private static final class Create extends MasterToSlaveCallable<String, IOException> {
        private static final long serialVersionUID = 1L;
        private final String prefix;

        Create(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public String call() throws IOException {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Path dir = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempDirectory(base, prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory(base, prefix);
            return dir.toString();
        }
    }
}
