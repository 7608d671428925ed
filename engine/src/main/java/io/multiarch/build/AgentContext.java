package io.multiarch.build;

import io.multiarch.docker.DockerCli;
import io.multiarch.docker.Toolchain;
import io.multiarch.process.FileAccess;
import io.multiarch.process.OutputListener;
import io.multiarch.registry.ImagetoolsRegistry;
import io.multiarch.registry.Registry;
import io.multiarch.timeline.Timeline;

/**
 * Where one platform's work runs: the docker CLI of that machine, its files, its toolchain as probed, and where
 * live output goes. The CLI makes one for the local machine; the Jenkins plugin one per agent.
 *
 * @param agent    a name for reports: a Jenkins agent name or a docker endpoint
 * @param binfmtDir the kernel's binfmt_misc directory on that machine, or empty to skip the check (a remote
 *                 docker endpoint whose kernel is not readable from here)
 * @param registry  how that machine reads (and perhaps writes) manifests in the registry
 * @param timeline  where the phases of the run are recorded
 */
public record AgentContext(String agent, DockerCli docker, FileAccess files, Toolchain toolchain, String binfmtDir,
                           OutputListener output, Registry registry, Timeline timeline) {

    /** A machine that asks the registry through {@code imagetools} and records no timeline (the plugin's agents). */
    public AgentContext(String agent, DockerCli docker, FileAccess files, Toolchain toolchain, String binfmtDir,
                        OutputListener output) {
        this(agent, docker, files, toolchain, binfmtDir, output, new ImagetoolsRegistry(docker), Timeline.NONE);
    }

    /** Removes a working directory of a run on that machine; a failure is only reported, never thrown. */
    public void removeWorkDir(String dir) throws InterruptedException {
        try {
            files.deleteRecursively(dir);
        } catch (java.io.IOException e) {
            output.line("could not remove " + dir + ": " + e.getMessage(), true);
        }
    }

    /** The same machine with output sent elsewhere, e.g. prefixed by platform. */
    public AgentContext withOutput(OutputListener listener) {
        return new AgentContext(agent, docker, files, toolchain, binfmtDir, listener, registry, timeline);
    }
}
