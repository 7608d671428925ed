package io.multiarch.cli;

import io.multiarch.build.AgentContext;
import io.multiarch.build.MatrixBuild;
import io.multiarch.build.MultiArchBuild;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.report.ConsoleTable;
import io.multiarch.report.ReportWriter;
import io.multiarch.result.MatrixResult;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** The matrix: each variant a run of its own on the same machines, then the reports of all of them. */
final class VariantRun {
    private final RunSettings settings;
    private final Session session;

    VariantRun(RunSettings settings, Session session) {
        this.settings = settings;
        this.session = session;
    }

    /** @param localNames where the variants' names in the local image store go, for the next run to remove */
    int run(Function<Platform, AgentContext> agents, AgentContext local, Optional<LocalNames> localNames) {
        List<MultiArchBuild> builds = new CopyOnWriteArrayList<>();
        MatrixBuild matrix = new MatrixBuild(settings.variants(), v -> {
            RunPlan plan = RunPlan.of(v.request(), LocalRun.nativePlatforms(v.request(), agents), RunPlan.newRunId(), v.name());
            session.out().println("run " + plan.runId() + " (variant " + v.name() + "): " + plan.tasks().size() + " platform(s)");
            MultiArchBuild build = new MultiArchBuild(v.request(), settings.execution(), plan, agents,
                    local.withOutput(MultiArchBuild.prefixed(session.console(), v.name())))
                    .keepingLocalNamesOn(agent -> localNames.isPresent() && agent.equals(local.agent()));
            builds.add(build);
            return build;
        }, local, settings.allOrNothing());
        session.current().set(matrix::stop);
        if (session.signals().received() != null) {
            matrix.stop(session.signals().received());
        }
        MatrixResult result;
        try {
            result = matrix.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.err().println("multiarch: interrupted");
            return ExitCodes.FAILED;
        } finally {
            localNames.ifPresent(n -> n.record(builds.stream().flatMap(b -> b.keptLocalNames(local.agent()).stream()).toList(),
                    session.console()));
        }
        Thread.interrupted(); // a stop's interrupt is handled: the reports must still be written
        return new RunEnd(settings, session).finish(new ConsoleTable().render(result),
                spans -> new ReportWriter().writeAll(result, settings.reportDir()), // report.json of a matrix: no timeline
                !result.interrupted().isEmpty(), result.published(), result.tagsLeftChanged());
    }
}
