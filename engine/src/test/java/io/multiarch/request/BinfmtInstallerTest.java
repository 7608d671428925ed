package io.multiarch.request;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BinfmtInstallerTest {

    @Test
    void shouldDefaultToTheHostsQemu() {
        assertThat(BinfmtInstaller.parse("host")).isEqualTo(BinfmtInstaller.HOST);
        assertThat(BinfmtInstaller.parse("")).isEqualTo(BinfmtInstaller.HOST);
        assertThat(BinfmtInstaller.parse(null)).isEqualTo(BinfmtInstaller.HOST);
        assertThat(BinfmtInstaller.HOST).hasToString("host");
    }

    @Test
    void shouldAcceptAnImagePinnedByDigest() {
        String ref = "registry.example.com/tools/binfmt@sha256:" + "ab".repeat(32);

        BinfmtInstaller installer = BinfmtInstaller.parse(ref);

        assertThat(installer.kind()).isEqualTo(BinfmtInstaller.Kind.IMAGE);
        assertThat(installer.image()).isEqualTo(ref);
        assertThat(installer).hasToString(ref);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tonistiigi/binfmt", "tonistiigi/binfmt:latest", "tonistiigi/binfmt@sha256:abc",
            "tonistiigi/binfmt@sha512:0000000000000000000000000000000000000000000000000000000000000000"})
    void shouldRefuseImagesNotPinnedByDigest(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> BinfmtInstaller.parse(value))
                .withMessageContaining("pinned by digest");
    }

    @Test
    void shouldRefuseAPinnedImageWithAnInvalidName() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BinfmtInstaller.parse("Tonistiigi/binfmt@sha256:" + "ab".repeat(32)));
    }
}
