package io.multiarch.build;

import io.multiarch.buildx.BuildxCommands;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The containers an interrupted run may leave behind, found by the run's label and removed. */
final class RunCleanup {

    private RunCleanup() {
    }

    /**
     * After an interrupted run: every container labelled with the run's id on every machine of the run, removed.
     * Each test removes its own container when stopped; this catches one that a killed client left behind.
     */
    static void removeContainers(String runId, Collection<AgentContext> machines) {
        boolean interrupted = Thread.interrupted();
        for (AgentContext a : machines) {
            try {
                String ids = a.docker().query(a.docker().command("ps", "-aq", "--filter",
                        "label=" + BuildxCommands.RUN_LABEL + "=" + runId).withTimeout(Duration.ofSeconds(30))).strip();
                if (!ids.isEmpty()) {
                    List<String> args = new ArrayList<>(List.of("rm", "-f"));
                    args.addAll(List.of(ids.split("\\s+")));
                    a.docker().query(a.docker().command(args).withTimeout(Duration.ofSeconds(60)));
                    a.output().line("[cleanup] removed " + args.size() + " container(s) of run " + runId + " left by stopped tests", true);
                }
            } catch (IOException | InterruptedException e) {
                Thread.interrupted();
                a.output().line("[cleanup] could not list or remove the containers of run " + runId + ": " + e.getMessage(), true);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
