package io.multiarch.registry;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTP first, imagetools where HTTP cannot go: for good after an unsupported registry, once after a failed read. */
class FallbackRegistryTest {
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    private Registry answering(String name, IOException failure) {
        return new Registry() {
            @Override
            public Optional<String> read(String reference) throws IOException {
                asked.add(name + " " + reference);
                if (failure != null) {
                    throw failure;
                }
                return Optional.of(name);
            }

            @Override
            public Optional<String> readConfig(String reference) throws IOException {
                asked.add(name + " config " + reference);
                if (failure != null) {
                    throw failure;
                }
                return Optional.of(name + " config");
            }

            @Override
            public Optional<String> readConfig(String reference, String configDigest) throws IOException {
                asked.add(name + " config " + reference + " " + configDigest);
                if (failure != null) {
                    throw failure;
                }
                return Optional.of(name + " config blob");
            }

            @Override
            public boolean writes() {
                return name.equals("http");
            }

            @Override
            public void write(String reference, String manifest) {
                asked.add(name + " write " + reference);
            }
        };
    }

    @Test
    void shouldAskHttpOnlyWhenItAnswers() throws Exception {
        FallbackRegistry r = new FallbackRegistry(answering("http", null), answering("imagetools", null), (l, e) -> output.add(l));

        assertThat(r.read("r:1")).contains("http");
        assertThat(r.writes()).isTrue();
        assertThat(asked).containsExactly("http r:1");
    }

    @Test
    void shouldSwitchToImagetoolsForGoodWhenHttpCannotSpeakToTheRegistry() throws Exception {
        FallbackRegistry r = new FallbackRegistry(answering("http", new RegistryUnsupported("cannot reach https://r")),
                answering("imagetools", null), (l, e) -> output.add(l));

        assertThat(r.read("r:1")).contains("imagetools");
        assertThat(r.read("r:2")).contains("imagetools");
        assertThat(asked).containsExactly("http r:1", "imagetools r:1", "imagetools r:2");
        assertThat(r.writes()).isFalse();
        assertThatThrownBy(() -> r.write("r:1", "{}")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(output).singleElement().asString().contains("cannot reach https://r").contains("imagetools");
    }

    @Test
    void shouldAskImagetoolsOnceAfterAFailedRead() throws Exception {
        FallbackRegistry r = new FallbackRegistry(answering("http", new IOException("GET answered 500")),
                answering("imagetools", null), (l, e) -> output.add(l));

        assertThat(r.read("r:1")).contains("imagetools");
        assertThat(r.read("r:2")).contains("imagetools");
        assertThat(asked).containsExactly("http r:1", "imagetools r:1", "http r:2", "imagetools r:2");
        assertThat(r.writes()).isTrue();
    }

    @Test
    void shouldAskImagetoolsForAnImageConfigurationThatHttpCouldNotRead() throws Exception {
        // e.g. the registry's storage refused the redirected blob request
        FallbackRegistry r = new FallbackRegistry(answering("http", new IOException("GET answered 400")),
                answering("imagetools", null), (l, e) -> output.add(l));

        assertThat(r.readConfig("r@sha256:1")).contains("imagetools config");
        assertThat(asked).containsExactly("http config r@sha256:1", "imagetools config r@sha256:1");
        assertThat(output).singleElement().asString().contains("configuration of r@sha256:1").contains("GET answered 400");
    }

    @Test
    void shouldReadAConfigBlobByItsDigestOverHttpAndFallBackToImagetoolsByTheImage() throws Exception {
        FallbackRegistry ok = new FallbackRegistry(answering("http", null), answering("imagetools", null), (l, e) -> output.add(l));
        FallbackRegistry failing = new FallbackRegistry(answering("http", new IOException("GET answered 400")),
                answering("imagetools", null), (l, e) -> output.add(l));

        assertThat(ok.readConfig("r@sha256:1", "sha256:c")).contains("http config blob");
        assertThat(failing.readConfig("r@sha256:1", "sha256:c")).contains("imagetools config");
        assertThat(asked).containsExactly("http config r@sha256:1 sha256:c", "http config r@sha256:1 sha256:c",
                "imagetools config r@sha256:1");
    }
}
