package io.jenkins.plugins.multiarch;

import hudson.FilePath;
import hudson.remoting.VirtualChannel;
import io.multiarch.process.FileAccess;
import jenkins.MasterToSlaveFileCallable;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * The engine's file access on the agent that runs the commands, through {@link FilePath} on its channel: buildx
 * metadata files, the kernel's binfmt_misc table, and the run's temporary directories (under the workspace's
 * {@code @tmp}, which Jenkins cleans up with the workspace).
 */
final class AgentFileAccess implements FileAccess {
    private final VirtualChannel channel;
    private final FilePath tempRoot;

    /**
     * @param tempRoot where {@link #createTempDirectory} creates directories, e.g. {@code WorkspaceList.tempDir(ws)}
     */
    AgentFileAccess(VirtualChannel channel, FilePath tempRoot) {
        this.channel = channel;
        this.tempRoot = tempRoot;
    }

    private FilePath at(String path) {
        return new FilePath(channel, path);
    }

    @Override
    public boolean exists(String path) throws IOException, InterruptedException {
        return at(path).exists();
    }

    @Override
    public List<String> list(String dir) throws IOException, InterruptedException {
        return at(dir).list().stream().map(FilePath::getName).sorted().toList();
    }

    @Override
    public String read(String path) throws IOException, InterruptedException {
        return at(path).act(new ReadUtf8());
    }

    @Override
    public String createTempDirectory(String prefix) throws IOException, InterruptedException {
        tempRoot.mkdirs();
        FilePath dir = tempRoot.createTempDir(prefix, "tmp");
        dir.chmod(0700);
        return dir.getRemote();
    }

    @Override
    public void deleteRecursively(String path) throws IOException, InterruptedException {
        at(path).deleteRecursive();
    }

    /** Reads a file as UTF-8 on the agent ({@link FilePath#readToString()} uses the agent's default charset). */
    private static final class ReadUtf8 extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String invoke(File f, VirtualChannel channel) throws IOException {
            return Files.readString(f.toPath(), StandardCharsets.UTF_8);
        }
    }
}
