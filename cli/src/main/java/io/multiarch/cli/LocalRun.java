package io.multiarch.cli;

import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.build.AgentContext;
import io.multiarch.build.MultiArchBuild;
import io.multiarch.docker.Toolchain;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.LocalFileAccess;
import io.multiarch.registry.Registry;
import io.multiarch.report.ConsoleTable;
import io.multiarch.report.ReportWriter;
import io.multiarch.request.BuildRequest;
import io.multiarch.result.RunResult;
import io.multiarch.timeline.Timeline;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A real run of {@code multiarch build} on this machine (and the endpoints): the toolchain started, then one
 * {@link MultiArchBuild}, or a matrix of variants ({@link VariantRun}), and its end ({@link RunEnd}).
 */
final class LocalRun {
    private final BuildRequest request;
    private final RunSettings settings;
    private final Session session;
    /** Runs whose batch builds may still be finishing after the run's end (their cache export), for a served run's server. */
    private final List<MultiArchBuild> finishing = new java.util.concurrent.CopyOnWriteArrayList<>();

    LocalRun(BuildRequest request, RunSettings settings, Session session) {
        this.request = request;
        this.settings = settings;
        this.session = session;
    }

    /** The kernel's binfmt_misc table is readable only when the docker daemon runs on this machine. */
    static String localBinfmtDir() {
        return BinfmtTable.dirForDaemon(System.getenv("DOCKER_HOST"));
    }

    /** Runs everything; the exit code. */
    int run() {
        Timeline timeline = session.timeline();
        timeline.add("arguments, validation, signal handlers", session.launch().mainNanos(), System.nanoTime());
        Optional<RememberedToolchain> memory = ToolchainStart.memory(session);
        Optional<LocalNames> localNames = memory.map(RememberedToolchain::localNames);
        // containers of dead runs, and the names earlier runs left in the local image store, are removed beside the
        // probe and the build: nothing of this run depends on it. A served run leaves it to the server, which does it
        // once the client has its exit code, this run's own names included (recorded at its end).
        Runnable housekeeping = () -> {
            for (MultiArchBuild build : finishing) {
                try {
                    build.awaitFinishingBuilds();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    // the client has gone: its output with it; the server's log keeps what went wrong
                    if (session.launch().serverLog() != null) {
                        build.finishingFailures().forEach(session.launch().serverLog());
                    }
                }
            }
            try (Timeline.Phase phase = timeline.start("remove containers of dead runs")) {
                Orphans.remove(session.dockerCli(), session.console());
            }
            if (localNames.isPresent()) {
                try (Timeline.Phase phase = timeline.start("remove earlier runs' temporary tags from the local image store")) {
                    localNames.get().removeListed(session.dockerCli(), session.console());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Thread orphans = null;
        if (session.launch().served()) {
            session.launch().afterRun().add(housekeeping);
        } else {
            orphans = new Thread(housekeeping, "multiarch-orphans");
            orphans.setDaemon(true);
            orphans.start();
        }
        Registry registry = Registries.connectBeside(session.dockerCli(), session.console(), timeline, request.image().fullName());
        try {
            List<Platform> localPlatforms = request.platforms().stream().filter(p -> !settings.endpoints().containsKey(p)).toList();
            ToolchainStart start = ToolchainStart.of(session, localPlatforms,
                    settings.endpoints().isEmpty() && settings.variants().isEmpty(), memory);
            return runOn(start.toolchain(), start.recheck(), registry, localNames);
        } catch (Stopped e) {
            return e.exitCode();
        } finally {
            try {
                if (orphans != null) {
                    orphans.join(60_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int runOn(Toolchain toolchain, Optional<Recheck> recheck, Registry registry, Optional<LocalNames> localNames)
            throws Stopped {
        // buildx run standalone, as the docker CLI found it: not the docker CLI's start and plug-in look-up per build
        AgentContext local = new AgentContext("local", session.dockerCli().withBuildx(toolchain.buildxPath()), new LocalFileAccess(),
                toolchain, localBinfmtDir(),
                session.console(), registry, session.timeline());
        Map<Platform, AgentContext> remote = Endpoints.connect(settings.endpoints(), session, local);
        Function<Platform, AgentContext> agents = p -> remote.getOrDefault(p, local);
        if (!settings.variants().isEmpty()) {
            return new VariantRun(settings, session).run(agents, local, localNames);
        }
        RunPlan plan = RunPlan.of(request, nativePlatforms(request, agents), RunPlan.newRunId());
        session.out().println("run " + plan.runId() + ": " + plan.tasks().size() + " platform(s), "
                + (settings.execution().batches(request) ? "built together per docker endpoint, tests" : "builds and tests") + " at most "
                + settings.execution().concurrency() + " at once");
        // this daemon's names of the run's temporary tags go at the next run, beside its build (LocalNames)
        MultiArchBuild build = new MultiArchBuild(request, settings.execution(), plan, agents, local)
                .keepingLocalNamesOn(agent -> localNames.isPresent() && agent.equals(local.agent()));
        // the rest of a batch's buildx run after its index is pushed and read back (the cache export) is waited for
        // after the result is reported: by the server once the client has its exit code, else before this JVM exits.
        // Not with endpoints, whose temporary tags are removed within the run, after their build's process.
        boolean leave = remote.isEmpty();
        if (leave) {
            build.leavingFinishingBuilds();
            finishing.add(build);
        }
        session.current().set(build::stop);
        if (session.signals().received() != null) {
            build.stop(session.signals().received());
        }
        recheck.ifPresent(r -> stopOnDisagreement(r, build));
        RunResult result;
        try (Timeline.Phase phase = session.timeline().start("run: builds, tests, publish")) {
            result = build.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.err().println("multiarch: interrupted");
            return ExitCodes.FAILED;
        } finally {
            localNames.ifPresent(n -> n.record(build.keptLocalNames(local.agent()), session.console()));
        }
        if (recheck.isPresent() && session.signals().received() == null) {
            Optional<String> wrong;
            try {
                wrong = recheck.get().verdict();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.FAILED;
            }
            if (wrong.isPresent()) {
                Thread.interrupted();
                if (recheck.get().failed()) {
                    session.err().println("multiarch: " + wrong.get() + "; nothing was published");
                    return ExitCodes.TOOLCHAIN;
                }
                Toolchain fresh = recheck.get().fresh();
                session.out().println("multiarch: " + wrong.get() + " (as probed now: " + fresh.describe() + "); nothing was "
                        + "published; building again on it");
                return runOn(fresh, Optional.empty(), registry, localNames);
            }
        }
        if (!result.published()) {
            recheck.ifPresent(Recheck::forgetRemembered);
        }
        Thread.interrupted(); // a stop's interrupt is handled: the reports must still be written
        Path reportDir = settings.reportDir();
        int code = new RunEnd(settings, session).finish(new ConsoleTable().render(result),
                spans -> new ReportWriter().writeAll(result, reportDir, spans),
                !result.interrupted().isEmpty(), result.published(), result.publish().tagsLeftChanged());
        if (leave && !session.launch().served()) {
            try {
                build.awaitFinishingBuilds(); // after the reports, so in none of them
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return code;
    }

    /** The publish waits for the probe beside the build; a probe that disagrees stops the builds at once, too. */
    private void stopOnDisagreement(Recheck r, MultiArchBuild build) {
        build.withPublishGate(r::verdict);
        r.probed.whenComplete((t, e) -> {
            try {
                r.verdict().ifPresent(why -> build.stop(why));
                if (t != null && r.verdict().isEmpty()) {
                    session.out().println("toolchain: " + t.describe());
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The platforms of {@code request} that run natively on their agent, as measured. */
    static Set<Platform> nativePlatforms(BuildRequest request, Function<Platform, AgentContext> agents) {
        Set<Platform> nativePlatforms = new HashSet<>();
        for (Platform p : request.platforms()) {
            if (agents.apply(p).toolchain().nativePlatforms().contains(p)) {
                nativePlatforms.add(p);
            }
        }
        return nativePlatforms;
    }
}
