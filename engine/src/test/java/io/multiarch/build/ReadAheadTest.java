package io.multiarch.build;

import io.multiarch.buildx.Manifest;
import io.multiarch.registry.Registry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads by digest started before they are asked for: each answered once by the registry, never a different answer. */
class ReadAheadTest {
    private static final String CONFIG = "{\"architecture\":\"s390x\",\"history\":[{\"created_by\":\"RUN make\"}]}";
    private static final String CONFIG_DIGEST = Manifest.digestOf(CONFIG);
    private static final String IMAGE = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + CONFIG_DIGEST
            + "\",\"size\":" + CONFIG.length() + "},\"layers\":[]}";
    private static final String REF = "127.0.0.1:5000/team/app@" + Manifest.digestOf(IMAGE);

    /** A registry with one image, that records each question and can fail the first ones. */
    private static final class Recording implements Registry {
        final List<String> asked = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        final Map<String, CountDownLatch> answered = new ConcurrentHashMap<>();

        private void ask(String question) throws IOException {
            asked.add(question);
            try {
                if (failures.getAndDecrement() > 0) {
                    throw new IOException("GET answered 500");
                }
            } finally {
                answered.computeIfAbsent(question, q -> new CountDownLatch(1)).countDown();
            }
        }

        void awaitAnswered(String question) throws InterruptedException {
            assertThat(answered.computeIfAbsent(question, q -> new CountDownLatch(1)).await(10, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public Optional<String> read(String reference) throws IOException {
            ask("manifest " + reference);
            return reference.equals(REF) ? Optional.of(IMAGE) : Optional.empty();
        }

        @Override
        public Optional<String> readConfig(String reference) throws IOException {
            ask("config of " + reference);
            return reference.equals(REF) ? Optional.of(CONFIG) : Optional.empty();
        }

        @Override
        public Optional<String> readConfig(String reference, String configDigest) throws IOException {
            ask("blob " + configDigest);
            return configDigest.equals(CONFIG_DIGEST) ? Optional.of(CONFIG) : Optional.empty();
        }

        @Override
        public boolean writes() {
            return true;
        }

        @Override
        public void write(String reference, String manifest) {
            asked.add("write " + reference);
        }
    }

    @Test
    void shouldAnswerAManifestAndItsConfigFromReadsStartedAheadAskingTheRegistryOnce() throws Exception {
        Recording registry = new Recording();
        ReadAhead ahead = new ReadAhead(registry);

        // When the reads are started, then asked for (twice)
        ahead.start(REF);
        ahead.start(REF); // once per reference
        registry.awaitAnswered("blob " + CONFIG_DIGEST);

        // Then the answers are the registry's, and it was asked each question once
        assertThat(ahead.read(REF)).contains(IMAGE);
        assertThat(ahead.readConfig(REF, CONFIG_DIGEST)).contains(CONFIG);
        assertThat(ahead.read(REF)).contains(IMAGE);
        assertThat(registry.asked).containsExactly("manifest " + REF, "blob " + CONFIG_DIGEST);
    }

    @Test
    void shouldAskTheRegistryAgainWhenAReadAheadFailed() throws Exception {
        Recording registry = new Recording();
        registry.failures.set(1);
        ReadAhead ahead = new ReadAhead(registry);

        ahead.start(REF);
        registry.awaitAnswered("manifest " + REF);

        // the failed read is not the answer: the question goes to the registry, which answers now
        assertThat(ahead.read(REF)).contains(IMAGE);
        // nothing was read ahead for a manifest that could not be read: the config is asked of the registry too
        assertThat(ahead.readConfig(REF, CONFIG_DIGEST)).contains(CONFIG);
        assertThat(registry.asked).containsExactly("manifest " + REF, "manifest " + REF, "blob " + CONFIG_DIGEST);
    }

    @Test
    void shouldPassOnWhatWasNotReadAheadAndRefuseAReferenceByTag() throws Exception {
        Recording registry = new Recording();
        ReadAhead ahead = new ReadAhead(registry);
        String other = "127.0.0.1:5000/team/app@sha256:" + "1".repeat(64);

        assertThat(ahead.read(other)).isEmpty();
        assertThat(ahead.readConfig(REF)).contains(CONFIG);
        ahead.write("127.0.0.1:5000/team/app:1.0", "{}");
        assertThat(ahead.writes()).isTrue();
        assertThat(registry.asked).containsExactly("manifest " + other, "config of " + REF, "write 127.0.0.1:5000/team/app:1.0");
        assertThatThrownBy(() -> ahead.start("127.0.0.1:5000/team/app:1.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("team/app:1.0");
    }
}
