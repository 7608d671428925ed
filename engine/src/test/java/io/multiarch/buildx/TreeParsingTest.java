package io.multiarch.buildx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.multiarch.docker.Json;
import io.multiarch.platform.Platform;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;

import static io.multiarch.buildx.Captured.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Manifest, ImageConfig and BuildMetadata are read from a JSON tree by hand (data binding costs ~100 ms of a cold JVM
 * on first use): these pin that they read what binding read, and fail where it failed.
 */
class TreeParsingTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void shouldReadARealOciIndexWithAnAttestationEntry() throws Exception {
        // When
        Manifest index = Manifest.parse(text("imagetools-raw-index-prov.json"));

        // Then every field of every entry is read, the annotations in their order
        assertThat(index.schemaVersion()).isEqualTo(2);
        assertThat(index.mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(index.config()).isNull();
        assertThat(index.layers()).isNull();
        assertThat(index.manifests()).hasSize(6);
        Descriptor amd64 = index.manifests().get(0);
        assertThat(amd64).isEqualTo(new Descriptor("application/vnd.oci.image.manifest.v1+json",
                "sha256:53a39ff08876bf0de1fde76fd986692440f6c2635f063b9b962d674f133bbd87", 1046,
                new Descriptor.OciPlatform("amd64", "linux", null), null));
        Descriptor attestation = index.manifests().get(3);
        assertThat(attestation.isAttestation()).isTrue();
        assertThat(attestation.size()).isEqualTo(566);
        assertThat(attestation.annotations()).isInstanceOf(LinkedHashMap.class)
                .containsExactly(java.util.Map.entry("vnd.docker.reference.digest", amd64.digest()),
                        java.util.Map.entry("vnd.docker.reference.type", "attestation-manifest"));
        assertThat(index.imageFor(Platform.S390X)).isPresent();
    }

    @Test
    void shouldReadARealImageManifest() throws Exception {
        // When
        Manifest image = Manifest.parse(text("imagetools-raw-manifest-arm64.json"));

        // Then
        assertThat(image.isIndex()).isFalse();
        assertThat(image.manifests()).isNull();
        assertThat(image.config().mediaType()).isEqualTo("application/vnd.docker.container.image.v1+json");
        assertThat(image.config().platform()).isNull();
        assertThat(image.config().annotations()).isNull();
        assertThat(image.layers()).hasSize(4).allSatisfy(l -> assertThat(l.digest()).startsWith("sha256:"));
    }

    @Test
    void shouldReadMissingAndNullFieldsAsBindingDid() throws Exception {
        // Given every field missing, then every field null
        Manifest missing = Manifest.parse("{}");
        Manifest nulls = Manifest.parse("{\"schemaVersion\":null,\"mediaType\":null,\"manifests\":null,\"config\":null,\"layers\":null}");

        // Then nulls, zero and false, and neither is an index
        Manifest empty = new Manifest(0, null, null, null, null);
        assertThat(missing).isEqualTo(empty);
        assertThat(nulls).isEqualTo(empty);
        assertThat(missing.isIndex()).isFalse();
        assertThat(Manifest.parse("{\"manifests\":[]}").isIndex()).isTrue();
        assertThat(Manifest.parse("{\"manifests\":[{}, null]}").manifests())
                .containsExactly(new Descriptor(null, null, 0, null, null), null);
        assertThat(ImageConfig.parse("{\"history\":[{}, {\"created_by\":null,\"empty_layer\":null}]}").history())
                .containsExactly(new ImageConfig.History(null, false), new ImageConfig.History(null, false));
        assertThat(ImageConfig.parse("{}").history()).isNull();
        assertThat(Manifest.parse("null")).isNull();
    }

    @Test
    void shouldCoerceScalarsAsBindingDid() throws Exception {
        // When numbers stand for texts, texts for numbers and booleans
        Manifest m = Manifest.parse("{\"schemaVersion\":\"2\",\"mediaType\":5,\"layers\":[{\"size\":\"12\",\"digest\":7,"
                + "\"annotations\":{\"b\":\"1\",\"a\":2,\"c\":null,\"d\":true}}, {\"size\":1.9}, {\"size\":\"\"}]}");
        ImageConfig c = ImageConfig.parse("{\"history\":[{\"created_by\":5,\"empty_layer\":\"true\"}, {\"empty_layer\":1},"
                + " {\"empty_layer\":0}, {\"empty_layer\":\"False\"}]}");

        // Then
        assertThat(m.schemaVersion()).isEqualTo(2);
        assertThat(m.mediaType()).isEqualTo("5");
        assertThat(m.layers()).extracting(Descriptor::size).containsExactly(12L, 1L, 0L);
        assertThat(m.layers().get(0).digest()).isEqualTo("7");
        LinkedHashMap<String, String> annotations = new LinkedHashMap<>();
        annotations.put("b", "1");
        annotations.put("a", "2");
        annotations.put("c", null);
        annotations.put("d", "true");
        assertThat(m.layers().get(0).annotations()).containsExactlyEntriesOf(annotations);
        assertThat(c.history()).extracting(ImageConfig.History::emptyLayer).containsExactly(true, true, false, false);
        assertThat(c.history().get(0).createdBy()).isEqualTo("5");
    }

    @Test
    void shouldFailNamingTheFieldOfTheWrongShape() {
        // Then a container for a scalar, a scalar for a container, or text that is no number fails, saying where
        assertFailsAt(() -> Manifest.parse("{\"mediaType\":{}}"), "Manifest[\"mediaType\"]");
        assertFailsAt(() -> Manifest.parse("{\"manifests\":{}}"), "Manifest[\"manifests\"]");
        assertFailsAt(() -> Manifest.parse("{\"config\":\"x\"}"), "Manifest[\"config\"]");
        assertFailsAt(() -> Manifest.parse("{\"manifests\":[{}, {\"size\":[1]}]}"),
                "Manifest[\"manifests\"]->java.util.ArrayList[1]->io.multiarch.buildx.Descriptor[\"size\"]");
        assertFailsAt(() -> Manifest.parse("{\"manifests\":[{\"size\":\"abc\"}]}"), "Descriptor[\"size\"]");
        assertFailsAt(() -> Manifest.parse("{\"manifests\":[{\"platform\":\"linux/amd64\"}]}"), "Descriptor[\"platform\"]");
        assertFailsAt(() -> Manifest.parse("{\"manifests\":[{\"platform\":{\"os\":[]}}]}"), "OciPlatform[\"os\"]");
        assertFailsAt(() -> Manifest.parse("{\"manifests\":[{\"annotations\":{\"a\":{}}}]}"), "Descriptor[\"annotations\"]");
        assertFailsAt(() -> Manifest.parse("{\"schemaVersion\":99999999999}"), "Manifest[\"schemaVersion\"]");
        assertFailsAt(() -> ImageConfig.parse("{\"history\":[{\"empty_layer\":\"yes\"}]}"), "History[\"empty_layer\"]");
        assertFailsAt(() -> ImageConfig.parse("{\"history\":[{\"created_by\":[]}]}"), "History[\"created_by\"]");
        assertFailsAt(() -> BuildMetadata.parse("{\"containerimage.digest\":\"" + DIGEST + "\",\"containerimage.descriptor\":{\"size\":{}}}"),
                "BuildMetadata[\"containerimage.descriptor\"]->io.multiarch.buildx.Descriptor[\"size\"]");
        assertThatThrownBy(() -> Manifest.parse("[]")).isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> ImageConfig.parse("\"x\"")).isInstanceOf(MismatchedInputException.class);
    }

    private static void assertFailsAt(org.assertj.core.api.ThrowableAssert.ThrowingCallable parse, String path) {
        assertThatThrownBy(parse).isInstanceOf(JsonProcessingException.class).hasMessageContaining(path);
    }

    @Test
    void shouldFailOnMalformedOrEmptyDocuments() {
        // Then as binding did: malformed JSON and an empty document are JsonProcessingExceptions
        for (String json : new String[] {"", "   ", "{", "ERROR: failed to solve"}) {
            assertThatThrownBy(() -> Manifest.parse(json)).as(json).isInstanceOf(JsonProcessingException.class);
            assertThatThrownBy(() -> ImageConfig.parse(json)).as(json).isInstanceOf(JsonProcessingException.class);
            assertThatThrownBy(() -> BuildMetadata.parse(json)).as(json).isInstanceOf(JsonProcessingException.class);
        }
        assertThatThrownBy(() -> Manifest.parse("")).isInstanceOf(MismatchedInputException.class)
                .hasMessageContaining("No content to map");
    }

    @Test
    void shouldReadARealMetadataFileWithItsDescriptor() throws Exception {
        // When
        BuildMetadata m = BuildMetadata.parse(text("buildx-metadata-noprov.json"));

        // Then
        assertThat(m.descriptor()).isEqualTo(new Descriptor("application/vnd.docker.distribution.manifest.v2+json",
                "sha256:223859eee1af70e479ecaad59fb9530c9fe98e5469847df7d3f3f9276c2ce5f2", 1086,
                new Descriptor.OciPlatform("arm64", "linux", null), null));
        assertThat(m.imageName()).isEqualTo(Captured.REPO + ":cap-noprov");
    }

    @Test
    void shouldReadMetadataFieldsAsBindingDidAndKeepTheDigestCheck() throws Exception {
        // When fields are missing, null or numbers
        BuildMetadata m = BuildMetadata.parse("{\"containerimage.digest\":\"" + DIGEST + "\",\"containerimage.descriptor\":null,\"image.name\":5}");

        // Then
        assertThat(m).isEqualTo(new BuildMetadata(DIGEST, null, "5"));
        assertThatIllegalArgumentException().isThrownBy(() -> BuildMetadata.parse("{\"containerimage.digest\":5}"))
                .withMessage("buildx metadata has no image digest (containerimage.digest): {\"containerimage.digest\":5}");
        assertThatIllegalArgumentException().isThrownBy(() -> BuildMetadata.parse("{}"));
    }

    @Test
    void shouldMakeADescriptorOfANode() throws Exception {
        // Given
        var node = Json.MAPPER.readTree("{\"mediaType\":\"m\",\"digest\":\"d\",\"size\":3,\"platform\":{\"os\":\"linux\","
                + "\"architecture\":\"arm\",\"variant\":\"v7\"},\"annotations\":{}}");

        // Then
        assertThat(Descriptor.of(node)).isEqualTo(new Descriptor("m", "d", 3,
                new Descriptor.OciPlatform("arm", "linux", "v7"), java.util.Map.of()));
        assertThat(Descriptor.of(null)).isNull();
        assertThat(Descriptor.of(Json.MAPPER.nullNode())).isNull();
        assertThatThrownBy(() -> Descriptor.of(Json.MAPPER.readTree("[]"))).isInstanceOf(MismatchedInputException.class)
                .hasMessageContaining("Descriptor");
    }
}
