package io.multiarch.cli;

import io.multiarch.docker.DockerCli;
import io.multiarch.process.LocalCommandRunner;
import io.multiarch.process.OutputListener;
import io.multiarch.registry.FallbackRegistry;
import io.multiarch.registry.HttpRegistry;
import io.multiarch.registry.ImagetoolsRegistry;
import io.multiarch.registry.Registry;
import io.multiarch.timeline.Timeline;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The CLI's registry access: over HTTP where it can, through imagetools otherwise, made beside the toolchain probe. */
final class Registries {

    private Registries() {
    }

    /**
     * The registry client made and connected to {@code repository} on a thread of its own, so that reading the pushed
     * index later finds it ready.
     */
    static Registry connectBeside(DockerCli dockerCli, OutputListener console, Timeline timeline, String repository) {
        CompletableFuture<Registry> registry = new CompletableFuture<>();
        Thread prepare = new Thread(() -> {
            try (Timeline.Phase phase = timeline.start("registry client: connect")) {
                Registry r = localRegistry(dockerCli, console);
                registry.complete(r);
                r.prepare(repository);
            } catch (RuntimeException e) {
                registry.complete(new ImagetoolsRegistry(dockerCli));
            }
        }, "multiarch-registry");
        prepare.setDaemon(true);
        prepare.start();
        return deferred(registry);
    }

    /** A registry made on another thread: the run starts at once, and the first question waits for it. */
    static Registry deferred(CompletableFuture<Registry> made) {
        return new Registry() {
            @Override
            public Optional<String> read(String reference) throws IOException, InterruptedException {
                return made.join().read(reference);
            }

            @Override
            public Optional<String> readConfig(String reference) throws IOException, InterruptedException {
                return made.join().readConfig(reference);
            }

            @Override
            public Optional<String> readConfig(String reference, String configDigest) throws IOException, InterruptedException {
                return made.join().readConfig(reference, configDigest);
            }

            @Override
            public boolean writes() {
                return made.join().writes();
            }

            @Override
            public void write(String reference, String manifest) throws IOException, InterruptedException {
                made.join().write(reference, manifest);
            }
        };
    }

    /** The local machine's registry access: HTTP itself, falling back to imagetools; imagetools alone behind a proxy. */
    static Registry localRegistry(DockerCli dockerCli, OutputListener console) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(dockerCli.env());
        ImagetoolsRegistry imagetools = new ImagetoolsRegistry(dockerCli);
        if (HttpRegistry.proxied(env)) {
            return imagetools;
        }
        return new FallbackRegistry(new HttpRegistry(HttpRegistry.dockerConfigDir(env), new LocalCommandRunner()), imagetools, console);
    }
}
