package io.multiarch.buildx;

import io.multiarch.platform.Platform;
import org.junit.jupiter.api.Test;

import static io.multiarch.buildx.Captured.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuildMetadataTest {

    @Test
    void shouldReadThePushedImageOfASinglePlatformBuild() throws Exception {
        // When buildx's metadata of a linux/arm64 build with --provenance=false
        BuildMetadata m = BuildMetadata.parse(text("buildx-metadata-noprov.json"));

        // Then the digest is the platform's image manifest, and the descriptor says which platform
        assertThat(m.digest()).isEqualTo("sha256:223859eee1af70e479ecaad59fb9530c9fe98e5469847df7d3f3f9276c2ce5f2");
        assertThat(m.imageName()).isEqualTo(Captured.REPO + ":cap-noprov");
        assertThat(m.descriptor().digest()).isEqualTo(m.digest());
        assertThat(m.descriptor().mediaType()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
        assertThat(m.descriptor().size()).isEqualTo(1086);
        assertThat(m.descriptor().platform().toPlatform()).hasValue(Platform.ARM64);
        assertThat(m.descriptor().isAttestation()).isFalse();
    }

    @Test
    void shouldReadTheIndexDigestOfABuildWithProvenance() throws Exception {
        // When provenance is on, even for one platform
        BuildMetadata m = BuildMetadata.parse(text("buildx-metadata-prov.json"));

        // Then the digest is an OCI index's, and the descriptor has no platform
        assertThat(m.digest()).isEqualTo("sha256:0080c36803506e484ecb7dac9519be2ed4640f0495d329ca65e849fa71063ed5");
        assertThat(m.descriptor().mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(m.descriptor().platform()).isNull();
        assertThat(m.imageName()).isEqualTo(Captured.REPO + ":cap-prov");
    }

    @Test
    void shouldReadTheManifestListOfAMultiPlatformBuild() throws Exception {
        BuildMetadata m = BuildMetadata.parse(text("buildx-metadata-multi-noprov.json"));

        assertThat(m.digest()).isEqualTo("sha256:c1d90f2128b910a38a023e068034f3ccec0ca4a7850eec5799adf0f72bf9d0a9");
        assertThat(m.descriptor().mediaType()).isEqualTo("application/vnd.docker.distribution.manifest.list.v2+json");
        assertThat(m.descriptor().size()).isEqualTo(967);
    }

    @Test
    void shouldRefuseMetadataWithoutAnImageDigest() {
        // Given metadata as buildx writes it for a build that exported nothing
        String json = "{\n  \"buildx.build.ref\": \"default/default/5g0tsh8n47kt3d974rsnoc46h\"\n}";

        // Then
        assertThatIllegalArgumentException().isThrownBy(() -> BuildMetadata.parse(json))
                .withMessageContaining("no image digest (containerimage.digest)");
        assertThatIllegalArgumentException().isThrownBy(() -> BuildMetadata.parse("{\"containerimage.digest\": \"sha256:abc\"}"));
    }

    @Test
    void shouldRefuseSomethingElseThanJson() {
        assertThatThrownBy(() -> BuildMetadata.parse("ERROR: failed to solve"))
                .isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
    }
}
