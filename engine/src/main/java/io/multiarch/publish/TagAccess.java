package io.multiarch.publish;

import io.multiarch.buildx.BuildxCommands;
import io.multiarch.buildx.Manifest;
import io.multiarch.docker.DockerCli;
import io.multiarch.docker.DockerException;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.process.OutputListener;
import io.multiarch.registry.Registry;
import io.multiarch.request.ImageName;
import io.multiarch.request.Tag;

import java.io.IOException;
import java.util.Optional;

/**
 * How the publish reaches the repository's tags: reads what a tag serves through the {@link Registry}, runs the
 * docker commands that move one.
 */
record TagAccess(ImageName image, DockerCli docker, BuildxCommands commands, Registry registry, OutputListener output) {

    /** The digest a tag serves now, or {@link Served#ABSENT} when the registry has no such tag. */
    Served served(Tag tag) throws IOException, InterruptedException {
        Optional<String> raw = registry.read(image.withTag(tag));
        if (raw.isEmpty()) {
            return Served.ABSENT;
        }
        return new Served(Manifest.digestOf(raw.get()), Manifest.parse(raw.get()).isIndex());
    }

    CommandResult run(Command c) throws IOException, InterruptedException {
        CommandResult r = docker.run(c, OutputListener.NONE);
        if (!r.succeeded()) {
            throw new DockerException(c, r);
        }
        return r;
    }
}
