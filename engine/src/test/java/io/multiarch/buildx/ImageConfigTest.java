package io.multiarch.buildx;

import org.junit.jupiter.api.Test;

import static io.multiarch.buildx.Captured.text;
import static org.assertj.core.api.Assertions.assertThat;

class ImageConfigTest {

    @Test
    void shouldNameTheStepOfEveryLayerOfARealImage() throws Exception {
        // Given the captured manifest and config of examples/hello for arm64 (four layers)
        Manifest manifest = Manifest.parse(text("imagetools-raw-manifest-hello-arm64.json"));
        ImageConfig config = ImageConfig.parse(text("imagetools-image-config-hello-arm64.json"));

        // Then the steps that made layers line up with the layers, in order, empty ones left out
        assertThat(config.layerSteps()).hasSize(manifest.layers().size());
        assertThat(config.layerSteps().get(0)).isEqualTo("COPY rootfs/linux/arm64/ / # buildkit");
        assertThat(config.layerSteps().get(1)).isEqualTo("COPY hello.sh /usr/local/bin/hello # buildkit");
        assertThat(config.layerSteps().get(3)).startsWith("RUN |2 TARGETPLATFORM=linux/arm64 GREETING=Hello /bin/sh -c chmod 0755");
    }

    @Test
    void shouldSumTheLayersOnlyForTheCompressedSize() throws Exception {
        Manifest manifest = Manifest.parse(text("imagetools-raw-manifest-hello-arm64.json"));

        assertThat(manifest.layersSize()).isEqualTo(1_034_617 + 383 + 2_114 + 204);
        assertThat(manifest.imageSize()).isEqualTo(manifest.layersSize() + 2_284);
    }

    @Test
    void shouldNameNoStepsWithoutAHistory() throws Exception {
        assertThat(ImageConfig.parse("{\"architecture\":\"arm64\"}").layerSteps()).isEmpty();
    }
}
