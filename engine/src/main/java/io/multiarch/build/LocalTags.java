package io.multiarch.build;

import io.multiarch.docker.DockerCli;
import io.multiarch.process.CommandResult;
import io.multiarch.process.OutputListener;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The names a run's temporary tags leave in a machine's local image store. The {@code docker} driver stores each
 * image it pushes in the daemon's image store under the pushed name, {@code REPO:multiarch-tmp-<run>-…}: a new name
 * every run, never replaced, so that an agent's {@code docker images} would grow by one or more names per run, each
 * holding its layers. Once the images' tests are over nothing reads them locally (sizes and the publish read the
 * registry), so the names are removed; the images stay in the registry under those tags, and the build cache is
 * untouched (measured: the next cached build takes as long).
 */
public final class LocalTags {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private LocalTags() {
    }

    /**
     * Removes {@code names} ({@code REPO:TAG}) from the machine's image store, in one {@code docker image rm} (it
     * removes a name only; content another name holds stays). A failure is reported on the machine's output, never
     * thrown; an interrupt ends the wait and is kept.
     */
    static void remove(AgentContext machine, Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        try {
            CommandResult r = imageRm(machine.docker(), names);
            if (!r.succeeded()) {
                machine.output().line(failure(names, r.timedOut() ? "timed out after " + TIMEOUT.toSeconds() + " s"
                        : r.tail(2).replace('\n', ' ')), true);
            }
        } catch (IOException e) {
            machine.output().line(failure(names, e.getMessage()), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code docker image rm NAMES…}, quietly, with a timeout of a minute: it removes the names only (content another
     * name holds stays). The result is the caller's to judge.
     */
    public static CommandResult imageRm(DockerCli docker, Collection<String> names) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("image", "rm"));
        args.addAll(names);
        return docker.run(docker.command(args).withTimeout(TIMEOUT), OutputListener.NONE);
    }

    private static String failure(Collection<String> names, String why) {
        return "could not remove the run's temporary tag" + (names.size() > 1 ? "s " : " ") + String.join(", ", names)
                + " from the local image store (they stay there; `docker image rm` removes them): " + why;
    }
}
