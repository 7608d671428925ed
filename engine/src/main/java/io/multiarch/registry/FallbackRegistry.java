package io.multiarch.registry;

import io.multiarch.process.OutputListener;

import java.io.IOException;
import java.util.Optional;

/**
 * {@link HttpRegistry} first, {@link ImagetoolsRegistry} where it cannot go. A {@link RegistryUnsupported} (TLS,
 * connection, an authentication it does not implement) switches every later question to imagetools and turns
 * {@link #writes()} off, so that a publish moves its tags the way the docker CLI would; any other failed read is
 * asked once more through imagetools (a registry's passing 500, answered by another client).
 */
public final class FallbackRegistry implements Registry {
    private final Registry http;
    private final Registry imagetools;
    private final OutputListener output;
    private volatile boolean fallenBack;

    public FallbackRegistry(Registry http, Registry imagetools, OutputListener output) {
        this.http = http;
        this.imagetools = imagetools;
        this.output = output;
    }

    @Override
    public Optional<String> read(String reference) throws IOException, InterruptedException {
        if (!fallenBack) {
            try {
                return http.read(reference);
            } catch (RegistryUnsupported e) {
                fallBack(e);
            } catch (IOException e) {
                output.line("registry: reading " + reference + " failed (" + e.getMessage() + "); asking imagetools", true);
            }
        }
        return imagetools.read(reference);
    }

    @Override
    public Optional<String> readConfig(String reference) throws IOException, InterruptedException {
        return config(reference, () -> http.readConfig(reference));
    }

    @Override
    public Optional<String> readConfig(String reference, String configDigest) throws IOException, InterruptedException {
        return config(reference, () -> http.readConfig(reference, configDigest));
    }

    private interface HttpRead {
        Optional<String> get() throws IOException, InterruptedException;
    }

    private Optional<String> config(String reference, HttpRead overHttp) throws IOException, InterruptedException {
        if (!fallenBack) {
            try {
                return overHttp.get();
            } catch (RegistryUnsupported e) {
                fallBack(e);
            } catch (IOException e) {
                output.line("registry: reading the configuration of " + reference + " failed (" + e.getMessage()
                        + "); asking imagetools", true);
            }
        }
        return imagetools.readConfig(reference);
    }

    private void fallBack(RegistryUnsupported e) {
        if (!fallenBack) {
            fallenBack = true;
            output.line("registry: " + e.getMessage() + "; using docker buildx imagetools for the registry from now on", true);
        }
    }

    /** Whether every question now goes to imagetools. */
    public boolean fallenBack() {
        return fallenBack;
    }

    @Override
    public void prepare(String repository) {
        http.prepare(repository);
    }

    @Override
    public boolean writes() {
        return !fallenBack && http.writes();
    }

    @Override
    public void write(String reference, String manifest) throws IOException, InterruptedException {
        if (fallenBack) {
            throw new UnsupportedOperationException("the registry is asked through imagetools, which cannot put a manifest as given");
        }
        http.write(reference, manifest);
    }
}
