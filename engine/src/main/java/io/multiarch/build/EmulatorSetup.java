package io.multiarch.build;

import io.multiarch.binfmt.BinfmtInspector;
import io.multiarch.binfmt.BinfmtProvisioner;
import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.binfmt.EmulatorStatus;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.request.BinfmtMode;
import io.multiarch.request.BuildRequest;

import java.io.IOException;
import java.util.List;

/**
 * Whether an emulated platform can run on an agent: its QEMU emulator registered in binfmt_misc (enabled, F flag),
 * registered first under {@code --binfmt install} when it is missing; never touching an entry that is there.
 */
final class EmulatorSetup {
    private final BuildRequest request;
    private final AgentContext agent;
    private final Platform platform;

    EmulatorSetup(BuildRequest request, AgentContext agent, Platform platform) {
        this.request = request;
        this.agent = agent;
        this.platform = platform;
    }

    /** Whether {@code platform}'s emulator is checked (and installed where missing) on {@code agent} before its build. */
    static boolean checks(BuildRequest request, AgentContext agent, Platform platform) {
        boolean emulated = !agent.toolchain().nativePlatforms().contains(platform);
        return emulated && request.binfmtMode() != BinfmtMode.OFF && !agent.binfmtDir().isEmpty();
    }

    /**
     * @param known the agent's binfmt_misc table as just read (a batch reads it once for all its platforms), or null
     *              to read it here; an emulator installed here is checked against a fresh read
     * @return null when the platform can run, else why not
     */
    String ensure(BinfmtTable known) throws InterruptedException {
        if (!checks(request, agent, platform)) {
            return null;
        }
        try {
            EmulatorStatus status = known != null
                    ? BinfmtInspector.inspect(platform, agent.toolchain().nativePlatforms(), known) : inspect();
            if (status.state() == EmulatorStatus.State.MISSING && request.binfmtMode() == BinfmtMode.INSTALL) {
                Command install = BinfmtProvisioner.installCommand(request.binfmtInstaller(), agent.docker(), List.of(platform));
                agent.output().line("registering the QEMU emulator for " + platform + ": " + install.display(), false);
                CommandResult r = agent.docker().run(install, agent.output());
                if (!r.succeeded()) {
                    return "registering the emulator for " + platform + " failed ('" + install.display() + "' exited "
                            + r.exitCode() + "): " + r.tail(3).replace('\n', ' ');
                }
                status = inspect();
            }
            if (!status.runnable()) {
                return status.message();
            }
            agent.output().line("emulator for " + platform + ": binfmt_misc entry '" + status.entry() + "' (enabled, F flag)", false);
            return null;
        } catch (IOException e) {
            return "could not read binfmt_misc at " + agent.binfmtDir() + ": " + e.getMessage();
        }
    }

    private EmulatorStatus inspect() throws IOException, InterruptedException {
        BinfmtTable table = BinfmtTable.read(agent.files(), agent.binfmtDir());
        return BinfmtInspector.inspect(platform, agent.toolchain().nativePlatforms(), table);
    }
}
