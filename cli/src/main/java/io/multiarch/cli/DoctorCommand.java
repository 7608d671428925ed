package io.multiarch.cli;

import io.multiarch.binfmt.BinfmtInspector;
import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.binfmt.EmulatorStatus;
import io.multiarch.docker.DockerCli;
import io.multiarch.docker.Toolchain;
import io.multiarch.docker.ToolchainProbe;
import io.multiarch.platform.Platform;
import io.multiarch.process.LocalCommandRunner;
import io.multiarch.process.LocalFileAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code multiarch doctor}: the toolchain and, for each of the ten platforms, whether this machine can run it. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Shows the docker toolchain and whether each platform runs natively, under QEMU, or not at all.")
final class DoctorCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--docker", paramLabel = "PATH", defaultValue = "docker", description = "The docker executable (default: ${DEFAULT-VALUE}).")
    String docker;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Toolchain toolchain;
        try {
            toolchain = ToolchainProbe.probe(new DockerCli(docker, Map.of(), new LocalCommandRunner()));
        } catch (IOException e) {
            spec.commandLine().getErr().println("multiarch: the docker toolchain cannot be used: " + e.getMessage());
            return ExitCodes.TOOLCHAIN;
        }
        out.println("toolchain: " + toolchain.describe());
        String dir = LocalRun.localBinfmtDir();
        if (dir.isEmpty()) {
            out.println("binfmt_misc: not checked (DOCKER_HOST names a remote daemon)");
            return ExitCodes.PUBLISHED;
        }
        BinfmtTable table;
        try {
            table = BinfmtTable.read(new LocalFileAccess(), dir);
        } catch (IOException e) {
            spec.commandLine().getErr().println("multiarch: cannot read " + dir + ": " + e.getMessage());
            return ExitCodes.TOOLCHAIN;
        }
        int unusable = 0;
        for (Platform p : Platform.SUPPORTED) {
            EmulatorStatus s = BinfmtInspector.inspect(p, toolchain.nativePlatforms(), table);
            String state = switch (s.state()) {
                case NATIVE -> "native";
                case READY -> "emulated (" + s.entry() + ")";
                default -> s.state().name().toLowerCase() + ": " + s.message();
            };
            out.printf("%-16s %s%n", p, state);
            unusable += s.runnable() ? 0 : 1;
        }
        out.flush();
        return unusable == 0 ? ExitCodes.PUBLISHED : ExitCodes.FAILED;
    }
}
