package io.multiarch.binfmt;

import io.multiarch.docker.DockerCli;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.request.BinfmtInstaller;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The commands that register missing QEMU emulators. Only platforms judged {@link EmulatorStatus.State#MISSING}
 * are ever passed here: existing registrations, even disabled ones, are never reset or overwritten.
 */
public final class BinfmtProvisioner {

    private BinfmtProvisioner() {
    }

    /**
     * The command for one missing platform: {@code update-binfmts --enable qemu-ARCH} (Debian's qemu-user-static
     * entries, which carry the F flag), or the pinned installer image run privileged with
     * {@code --install ARCH}.
     */
    public static Command installCommand(BinfmtInstaller installer, DockerCli docker, List<Platform> missing) {
        if (missing.isEmpty()) {
            throw new IllegalArgumentException("nothing to install");
        }
        if (installer.kind() == BinfmtInstaller.Kind.IMAGE) {
            String names = missing.stream().map(BinfmtInspector::installerName).distinct().collect(Collectors.joining(","));
            return docker.command("run", "--rm", "--privileged", "--pull", "missing", installer.image(), "--install", names)
                    .withTimeout(Duration.ofMinutes(5));
        }
        if (missing.size() != 1) {
            throw new IllegalArgumentException("the host installer registers one entry per command");
        }
        return Command.of(List.of("update-binfmts", "--enable", BinfmtInspector.hostEntryName(missing.get(0))))
                .withTimeout(Duration.ofMinutes(1));
    }
}
