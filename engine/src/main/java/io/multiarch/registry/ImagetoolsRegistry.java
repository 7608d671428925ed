package io.multiarch.registry;

import io.multiarch.docker.DockerCli;
import io.multiarch.docker.DockerException;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.process.OutputListener;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@link Registry} that asks {@code docker buildx imagetools inspect --raw}, through the docker CLI of the machine
 * (and so with its login, proxies and TLS settings): a process start per question. It does not write: tags are
 * moved with {@code imagetools create}.
 */
public final class ImagetoolsRegistry implements Registry {
    private final DockerCli docker;

    public ImagetoolsRegistry(DockerCli docker) {
        this.docker = docker;
    }

    /** {@code imagetools inspect --raw}: the manifest or index exactly as the registry serves it. */
    public static Command inspectRaw(DockerCli docker, String reference) {
        return docker.command("buildx", "imagetools", "inspect", "--raw", reference).withTimeout(Duration.ofMinutes(2));
    }

    @Override
    public Optional<String> read(String reference) throws IOException, InterruptedException {
        return answer(inspectRaw(docker, reference));
    }

    /** {@code imagetools inspect --format '{{json .Image}}'}: the image's configuration as imagetools reads it. */
    @Override
    public Optional<String> readConfig(String reference) throws IOException, InterruptedException {
        return answer(docker.command("buildx", "imagetools", "inspect", "--format", "{{json .Image}}", reference)
                .withTimeout(Duration.ofMinutes(2)));
    }

    /** What an {@code imagetools inspect} printed; empty when the registry has no such reference ({@code : not found}). */
    private Optional<String> answer(Command c) throws IOException, InterruptedException {
        CommandResult r = docker.run(c, OutputListener.NONE);
        if (r.succeeded()) {
            return Optional.of(r.stdout().strip());
        }
        if (!r.timedOut() && r.stderr().strip().endsWith(": not found")) {
            return Optional.empty();
        }
        throw new DockerException(c, r);
    }

    @Override
    public boolean writes() {
        return false;
    }

    @Override
    public void write(String reference, String manifest) {
        throw new UnsupportedOperationException("imagetools does not put a manifest as given: move tags with imagetools create");
    }
}
