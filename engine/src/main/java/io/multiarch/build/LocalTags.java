package io.multiarch.build;

import io.multiarch.docker.DockerCli;
import io.multiarch.process.CommandResult;
import io.multiarch.process.OutputListener;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names a run's temporary tags leave in a machine's local image store. The {@code docker} driver stores each
 * image it pushes in the daemon's image store under the pushed name, {@code REPO:multiarch-tmp-<run>-…}: a new name
 * every run, never replaced, so that an agent's {@code docker images} would grow by one or more names per run, each
 * holding its layers. Once the images' tests are over nothing reads them locally (sizes and the publish read the
 * registry), so the names are removed; the images stay in the registry under those tags, and the build cache is
 * untouched (measured: the next cached build takes as long).
 *
 * <p>Not by deleting the image: {@code docker image rm} of an image's last name waits until the containerd image store
 * has collected the image's content, and holds BuildKit up meanwhile. Measured here with the containerd store of a
 * machine that had run the test and benchmark suites: 2.1 to 2.8 s for an image of 3 platforms whose build had really
 * run, during which a build started beside it printed nothing (its first step came 1.3 to 1.7 s later than without it).
 * Moving a name onto another image costs 0.10 s instead: the image that loses its last name that way is dropped and its
 * content collected in the background. So each name is first copied to its keeper, {@code REPO:multiarch-last-<batchN
 * or platform slug>} ({@link #keeper}), which thereby lets go of the image the previous run left there, and then
 * removed, which only takes a name away from an image that keeps another. At most one image per repository and batch
 * or platform stays in the store, the latest, as a buildx one-liner's {@code --push -t REPO:TAG} leaves the latest image
 * of its tag.
 */
public final class LocalTags {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern TEMPORARY = Pattern.compile("(.+):multiarch-tmp-\\d{8}-\\d{6}-[0-9a-f]{6}-([a-z0-9-]+)");

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
            CommandResult r = release(machine.docker(), names);
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
     * Takes {@code names} ({@code REPO:TAG}) out of the machine's image store without waiting for their content to be
     * collected: each name of a temporary tag's form is copied to its {@link #keeper} ({@code docker tag}), then all
     * are removed in one {@code docker image rm}, whose result is returned for the caller to judge (a name that is gone
     * already is an error there). A name whose copy failed, or of another form, is still removed, by deleting its image.
     * Names sharing a keeper (several runs' names of one batch) are each copied and removed in turn, so that none is
     * ever an image's last name when removed. Every command has a timeout of a minute.
     */
    public static CommandResult release(DockerCli docker, Collection<String> names) throws IOException, InterruptedException {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no names to release");
        }
        Map<String, List<String>> byKeeper = new LinkedHashMap<>();
        List<String> others = new ArrayList<>();
        for (String name : new LinkedHashSet<>(names)) {
            keeper(name).ifPresentOrElse(k -> byKeeper.computeIfAbsent(k, x -> new ArrayList<>()).add(name), () -> others.add(name));
        }
        List<String> last = new ArrayList<>(others);
        for (Map.Entry<String, List<String>> entry : byKeeper.entrySet()) {
            List<String> same = entry.getValue();
            for (int i = 0; i < same.size(); i++) {
                String name = same.get(i);
                docker.run(docker.command(List.of("tag", name, entry.getKey())).withTimeout(TIMEOUT), OutputListener.NONE);
                if (i < same.size() - 1) {
                    imageRm(docker, List.of(name));
                } else {
                    last.add(name);
                }
            }
        }
        return imageRm(docker, last);
    }

    /**
     * The name that holds the latest image of a temporary tag's batch or platform on a machine:
     * {@code REPO:multiarch-tmp-<run>-<batchN or platform slug>} → {@code REPO:multiarch-last-<batchN or platform slug>};
     * empty for a name of another form.
     */
    static Optional<String> keeper(String name) {
        Matcher m = TEMPORARY.matcher(name);
        return m.matches() ? Optional.of(m.group(1) + ":multiarch-last-" + m.group(2)) : Optional.empty();
    }

    private static CommandResult imageRm(DockerCli docker, Collection<String> names) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("image", "rm"));
        args.addAll(names);
        return docker.run(docker.command(args).withTimeout(TIMEOUT), OutputListener.NONE);
    }

    private static String failure(Collection<String> names, String why) {
        return "could not remove the run's temporary tag" + (names.size() > 1 ? "s " : " ") + String.join(", ", names)
                + " from the local image store (they stay there; `docker image rm` removes them): " + why;
    }
}
