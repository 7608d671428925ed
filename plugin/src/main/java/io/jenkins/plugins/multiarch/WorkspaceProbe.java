package io.jenkins.plugins.multiarch;

import hudson.FilePath;
import hudson.remoting.VirtualChannel;
import io.multiarch.request.PathProbe;

import java.io.IOException;

/**
 * The engine's {@link PathProbe} on the machine that holds a workspace: where the plan checks the build context
 * before stashing it, and where a platform's stage checks it after the unstash.
 */
final class WorkspaceProbe implements PathProbe {
    private final VirtualChannel channel;

    WorkspaceProbe(VirtualChannel channel) {
        this.channel = channel;
    }

    @Override
    public boolean isDirectory(String path) throws IOException, InterruptedException {
        return new FilePath(channel, path).isDirectory();
    }

    @Override
    public boolean isRegularFile(String path) throws IOException, InterruptedException {
        FilePath f = new FilePath(channel, path);
        return f.exists() && !f.isDirectory();
    }
}
