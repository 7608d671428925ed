package io.multiarch.buildx;

import io.multiarch.platform.Platform;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.multiarch.buildx.Captured.text;
import static org.assertj.core.api.Assertions.assertThat;

class ManifestTest {
    private static final Pattern INSPECT_DIGEST = Pattern.compile("(?m)^Digest:\\s+(sha256:[0-9a-f]{64})$");

    private static String digestInInspect(String file) {
        Matcher m = INSPECT_DIGEST.matcher(text(file));
        assertThat(m.find()).as("a Digest line in " + file).isTrue();
        return m.group(1);
    }

    @Test
    void shouldListEveryPlatformOfTheRealTenPlatformIndex() throws Exception {
        // When
        Manifest index = Manifest.parse(text("imagetools-raw-index-noprov.json"));

        // Then
        assertThat(index.isIndex()).isTrue();
        assertThat(index.schemaVersion()).isEqualTo(2);
        assertThat(index.mediaType()).isEqualTo("application/vnd.docker.distribution.manifest.list.v2+json");
        assertThat(index.imageEntries()).hasSize(10);
        assertThat(index.imageEntries()).map(d -> d.platform().toPlatform().orElseThrow())
                .containsExactlyInAnyOrderElementsOf(Platform.SUPPORTED);
        assertThat(index.imageEntries()).noneMatch(Descriptor::isAttestation);
    }

    @Test
    void shouldFindTheImageOfAPlatformTellingArmVariantsApartAndSkippingAttestations() throws Exception {
        Manifest index = Manifest.parse(text("imagetools-raw-index-noprov.json"));
        Manifest withProvenance = Manifest.parse(text("imagetools-raw-index-prov.json"));

        assertThat(index.imageFor(Platform.ARM64)).map(Descriptor::digest)
                .hasValue("sha256:2b8718767fd8ca47cc158499bf57dd73f4a084248da89f4cb86f11d170c63143");
        assertThat(index.imageFor(Platform.ARM_V7)).isNotEqualTo(index.imageFor(Platform.ARM_V6));
        assertThat(index.imageFor(Platform.ARM_V6)).hasValueSatisfying(d ->
                assertThat(d.platform().toString()).isEqualTo("linux/arm/v6"));
        assertThat(withProvenance.imageFor(Platform.ARM64)).hasValueSatisfying(d -> assertThat(d.isAttestation()).isFalse());
        assertThat(Manifest.parse(text("imagetools-raw-manifest-arm64.json")).imageFor(Platform.ARM64)).isEmpty();
    }

    @Test
    void shouldReadArmVariantsFromTheIndex() throws Exception {
        Manifest index = Manifest.parse(text("imagetools-raw-index-noprov.json"));

        assertThat(index.manifests()).filteredOn(d -> d.platform().architecture().equals("arm"))
                .map(d -> d.platform().toString()).containsExactlyInAnyOrder("linux/arm/v7", "linux/arm/v6");
        assertThat(index.manifests()).filteredOn(d -> d.platform().architecture().equals("arm64"))
                .singleElement().satisfies(d -> {
                    assertThat(d.platform().variant()).isNull();
                    assertThat(d.digest()).isEqualTo("sha256:2b8718767fd8ca47cc158499bf57dd73f4a084248da89f4cb86f11d170c63143");
                });
    }

    @Test
    void shouldLeaveAttestationsOutOfTheImageEntries() throws Exception {
        // When the index of a three-platform build with provenance
        Manifest index = Manifest.parse(text("imagetools-raw-index-prov.json"));

        // Then three attestation manifests (unknown/unknown) are not images
        assertThat(index.mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(index.manifests()).hasSize(6);
        assertThat(index.manifests()).filteredOn(Descriptor::isAttestation).hasSize(3).allSatisfy(d -> {
            assertThat(d.platform().toString()).isEqualTo("unknown/unknown");
            assertThat(d.platform().toPlatform()).isEmpty();
            assertThat(d.annotations()).containsEntry("vnd.docker.reference.type", "attestation-manifest")
                    .containsKey("vnd.docker.reference.digest");
        });
        assertThat(index.imageEntries()).map(d -> d.platform().toPlatform())
                .containsExactly(Optional.of(Platform.AMD64), Optional.of(Platform.ARM64), Optional.of(Platform.S390X));
    }

    @Test
    void shouldTellAnAttestationByItsAnnotationAlone() {
        Descriptor annotated = new Descriptor("application/vnd.oci.image.manifest.v1+json", "sha256:" + "a".repeat(64), 839,
                null, java.util.Map.of("vnd.docker.reference.type", "attestation-manifest"));
        Descriptor image = new Descriptor("application/vnd.oci.image.manifest.v1+json", "sha256:" + "b".repeat(64), 839,
                new Descriptor.OciPlatform("amd64", "linux", null), java.util.Map.of());

        assertThat(annotated.isAttestation()).isTrue();
        assertThat(image.isAttestation()).isFalse();
    }

    @Test
    void shouldSizeAnImageAsConfigPlusLayers() throws Exception {
        // When the real linux/arm64 image manifest
        Manifest image = Manifest.parse(text("imagetools-raw-manifest-arm64.json"));

        // Then
        assertThat(image.isIndex()).isFalse();
        assertThat(image.imageEntries()).isEmpty();
        assertThat(image.config().size()).isEqualTo(2072);
        assertThat(image.layers()).extracting(Descriptor::size).containsExactly(1_034_701L, 364L, 2_030L, 173L);
        assertThat(image.imageSize()).isEqualTo(2072 + 1_034_701 + 364 + 2_030 + 173);
    }

    @Test
    void shouldSizeAnIndexAsZero() throws Exception {
        assertThat(Manifest.parse(text("imagetools-raw-index-noprov.json")).imageSize()).isZero();
    }

    @Test
    void shouldComputeTheDigestTheRegistryReportsForTheRawIndex() {
        // Given the raw index and what 'imagetools inspect' said its digest is
        String raw = text("imagetools-raw-index-noprov.json");

        // Then
        assertThat(Manifest.digestOf(raw)).isEqualTo(digestInInspect("imagetools-inspect-index-noprov.txt"))
                .isEqualTo("sha256:f74963b0f091d86c525f09246df97dbc1e4cbbf01ad48e8953c08229118e6a36");
        assertThat(Manifest.digestOf(text("imagetools-raw-index-prov.json")))
                .isEqualTo(digestInInspect("imagetools-inspect-index-prov.txt"));
    }

    @Test
    void shouldComputeTheDigestOfAnImageManifestAsItsReference() {
        // The file is R@sha256:2b87…3143, as served; its size is the one the index gives
        String raw = text("imagetools-raw-manifest-arm64.json");

        assertThat(Manifest.digestOf(raw)).isEqualTo("sha256:2b8718767fd8ca47cc158499bf57dd73f4a084248da89f4cb86f11d170c63143");
        assertThat(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(1086);
    }

    @Test
    void shouldComputeFromTheDryRunTheDigestImagetoolsCreatePushes() throws Exception {
        // Given the dry run's output (with the line break printed after it) and the real create's log
        String dryRun = text("imagetools-create-dry-run.json");
        Matcher pushed = Pattern.compile("pushing (sha256:[0-9a-f]{64}) to ").matcher(text("imagetools-create-push.txt"));
        assertThat(pushed.find()).isTrue();

        // Then the digest of the dry run, stripped as the publisher strips it, is what was pushed
        assertThat(Manifest.digestOf(dryRun.strip())).isEqualTo(pushed.group(1))
                .isEqualTo("sha256:468a3b38c49e7a297645231620246beb69999d02a76ad9941d0e4d087556f98c");
        assertThat(Manifest.digestOf(dryRun)).isNotEqualTo(pushed.group(1));

        // and it lists the two digests given, as their platforms
        Manifest index = Manifest.parse(dryRun);
        assertThat(index.imageEntries()).extracting(Descriptor::digest).containsExactly(
                "sha256:2b8718767fd8ca47cc158499bf57dd73f4a084248da89f4cb86f11d170c63143",
                "sha256:fdc02cb81232cf17c6178967a46f501dfedfe6aec40f66534aeb6deefa41d52d");
        assertThat(index.imageEntries()).map(d -> d.platform().toPlatform().orElseThrow())
                .containsExactly(Platform.ARM64, Platform.S390X);
    }

    @Test
    void shouldComputeTheSha256OfUtf8Bytes() {
        assertThat(Manifest.digestOf("")).isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Manifest.digestOf("é")).isEqualTo("sha256:" + sha256Hex(new byte[] {(byte) 0xc3, (byte) 0xa9}));
    }

    private static String sha256Hex(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldIgnoreFieldsItDoesNotKnow() throws Exception {
        Manifest m = Manifest.parse("{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\", "
                + "\"artifactType\": \"x\", \"subject\": {\"digest\": \"sha256:00\"}, \"manifests\": []}");

        assertThat(m.isIndex()).isTrue();
        assertThat(m.imageEntries()).isEqualTo(List.of());
    }
}
