package io.multiarch.cli;

import io.multiarch.build.AgentContext;
import io.multiarch.build.MultiArchBuild;
import io.multiarch.docker.DockerCli;
import io.multiarch.docker.Toolchain;
import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.LocalFileAccess;
import io.multiarch.process.OutputListener;
import io.multiarch.publish.Publisher;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.ExecutionOptions;
import io.multiarch.request.VariantRequest;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code --dry-run}: every platform's exact commands, and the publish's, printed; nothing run. */
final class DryRun {

    private DryRun() {
    }

    /** A run, or each variant of a matrix ({@code variants} not empty) under its own heading. */
    static int print(BuildRequest request, ExecutionOptions execution, List<VariantRequest> variants, boolean allOrNothing,
                     DockerCli dockerCli, boolean pushByDigest, PrintWriter out) {
        if (variants.isEmpty()) {
            print(request, execution, "", dockerCli, pushByDigest, out);
        }
        for (VariantRequest v : variants) {
            out.println("== variant " + v.name() + " (tags " + String.join(", ", v.request().tags().stream().map(Object::toString).toList())
                    + ")" + (allOrNothing ? ", published only when every variant passed" : ""));
            print(v.request(), execution, v.name(), dockerCli, pushByDigest, out);
        }
        return ExitCodes.PUBLISHED;
    }

    /** Every command of {@code request}'s run, as a builder of this kind would run them; {@code variant} "" for none. */
    static void print(BuildRequest request, ExecutionOptions execution, String variant, DockerCli dockerCli, boolean pushByDigest, PrintWriter out) {
        // nothing is run, so nothing is measured: the machine's own platform is expected to be native, 386 and 32-bit
        // ARM (which a kernel may or may not run itself) are shown as emulated; a real run measures each
        Set<Platform> nativePlatforms = Toolchain.nativeCandidates(System.getProperty("os.arch")).stream().limit(1)
                .collect(Collectors.toSet());
        Toolchain assumed = new Toolchain("?", "?", "?", "default", pushByDigest ? "docker-container" : "docker",
                System.getProperty("os.arch"), nativePlatforms, true, pushByDigest);
        AgentContext local = new AgentContext("local", dockerCli, new LocalFileAccess(), assumed, LocalRun.localBinfmtDir(), OutputListener.NONE);
        RunPlan plan = RunPlan.of(request, nativePlatforms, "DRYRUN", variant);
        out.println("dry run: nothing is executed. Builder assumed: driver " + assumed.driver()
                + (pushByDigest ? " (push by digest)" : " (temporary tags; --push-by-digest shows the other form)")
                + "; native or emulated as expected here (a real run measures it)");
        for (PlatformTask task : plan.tasks()) {
            out.println("[" + task.platform() + "] " + (task.required() ? "required" : "optional") + ", "
                    + (task.nativePlatform() ? "native" : "emulated (binfmt " + request.binfmtMode().name().toLowerCase() + ")"));
        }
        out.println(execution.batches(request) && plan.tasks().size() > 1
                ? "one buildx build for all the platforms (--no-batch: one per platform), then each platform's test:"
                : "one buildx build per platform, each followed by its test:");
        for (Command c : new MultiArchBuild(request, execution, plan, p -> local, local).plannedCommands("<tmp>/metadata.json")) {
            out.println("  " + c.display());
        }
        List<Command> publish = new Publisher(dockerCli, request, OutputListener.NONE).plannedCommands(
                plan.tasks().stream().map(t -> "sha256:<" + t.platform().slug() + ">").toList());
        out.println("[publish] only when every required platform passed (a batch's own index published as it is when it "
                + "lists exactly the platforms that passed, else composed with --dry-run first; every tag recorded, then "
                + "moved and read back; the CLI moves and reads tags over the registry's HTTP API where "
                + "it can, which is what these commands do):");
        publish.forEach(c -> out.println("  " + c.display()));
        out.flush();
    }
}
