package io.multiarch.cli;

import io.multiarch.build.LocalTags;
import io.multiarch.docker.DockerCli;
import io.multiarch.process.CommandResult;
import io.multiarch.process.OutputListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names the {@code docker} driver gives a run's images in the local daemon's image store (its temporary tags,
 * {@code REPO:multiarch-tmp-<run>-…}), which the CLI removes at its next run, beside that run's build, rather than
 * at the end of the run that made them: the removal ({@link LocalTags#release}: a {@code docker tag} per name and one
 * {@code docker image rm}) takes some 0.2 s, and at the end of a run nothing else is left to do beside it. Without their
 * removal, every run would add names to {@code docker images}, each holding its layers. So at most the last run's
 * names stay, besides the keepers {@link LocalTags} moves them to.
 *
 * <p>They are listed in a file next to the remembered toolchain, one per docker executable and environment (the
 * daemon they are in); a run claims the file by renaming it, so two runs never remove the same names, and a run
 * still under way has not written its names yet. Only names of the temporary tags' form are ever removed.
 */
final class LocalNames {
    /** {@code REPO:multiarch-tmp-<yyyyMMdd-HHmmss>-<6 hex>-<batchN or platform slug>}, and nothing else. */
    static final Pattern TEMPORARY = Pattern.compile("[a-z0-9][a-z0-9._/:-]*:multiarch-tmp-\\d{8}-\\d{6}-[0-9a-f]{6}-[a-z0-9-]{1,40}");

    private final Path file;

    LocalNames(Path file) {
        this.file = file;
    }

    /** Adds {@code names} to the list; never throws (a name not written stays in the store, as before). */
    void record(Collection<String> names, OutputListener out) {
        List<String> valid = names.stream().filter(n -> TEMPORARY.matcher(n).matches()).toList();
        if (valid.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", valid) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            out.line("could not note the run's temporary tags in the local image store for removal at the next run ("
                    + e.getMessage() + "): remove them with docker image rm " + String.join(" ", valid), true);
        }
    }

    /**
     * Removes the names earlier runs listed ({@link LocalTags#release}) and returns how many were listed. Names
     * already gone are not an error. Never throws.
     */
    int removeListed(DockerCli docker, OutputListener out) throws InterruptedException {
        Path claimed = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid());
        Set<String> names = new LinkedHashSet<>();
        try {
            Files.move(file, claimed, StandardCopyOption.ATOMIC_MOVE);
            for (String line : Files.readAllLines(claimed, StandardCharsets.UTF_8)) {
                if (TEMPORARY.matcher(line.strip()).matches()) {
                    names.add(line.strip());
                }
            }
            Files.deleteIfExists(claimed);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            out.line("could not read the temporary tags earlier runs left in the local image store: " + e.getMessage(), true);
            return 0;
        }
        if (names.isEmpty()) {
            return 0;
        }
        try {
            CommandResult r = LocalTags.release(docker, names);
            List<String> problems = r.stderr().lines().filter(l -> !l.isBlank() && !l.contains("No such image")).toList();
            if (r.timedOut() || !problems.isEmpty()) {
                out.line("could not remove all the temporary tags earlier runs left in the local image store ("
                        + (r.timedOut() ? "timed out" : String.join("; ", problems)) + ")", true);
            }
        } catch (IOException e) {
            out.line("could not remove the temporary tags earlier runs left in the local image store: " + e.getMessage(), true);
        }
        return names.size();
    }
}
