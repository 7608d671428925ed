package io.multiarch.request;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Validated values cannot be made around their grammar: the constructors check what the parsers check. */
class ValuesGrammarTest {
    private static final String HEX = "0123456789abcdef".repeat(4);

    @Test
    void shouldNotMakeAnImageNameAroundItsGrammar() {
        assertThat(new ImageName("127.0.0.1:5000", "demo/hello")).isEqualTo(ImageName.parse("127.0.0.1:5000/demo/hello"));
        assertThatThrownBy(() -> new ImageName("docker.io", "Team/App")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageName("bad host!", "app")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageName("docker.io", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageName("docker.io", "app:1.0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotMakeATestSpecAroundItsForms() {
        assertThat(new TestSpec(List.of("/bin/sh", "-c", "arch-test"), true)).isEqualTo(TestSpec.shell("arch-test"));
        assertThatThrownBy(() -> new TestSpec(List.of(), false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TestSpec(List.of(" "), false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TestSpec(List.of("arch-test"), true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestSpec.exec(java.util.Arrays.asList("/app/selftest", null))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldTakeOnlyASha256Digest() {
        Digest d = Digest.parse("sha256:" + HEX);
        assertThat(d.value()).isEqualTo("sha256:" + HEX);
        assertThat(d.shortForm()).isEqualTo("sha256:0123456789ab");
        for (String bad : List.of("", "sha256:" + HEX.toUpperCase(), "sha256:" + HEX.substring(1), "sha512:" + HEX, HEX,
                "sha256:" + HEX + "\n")) {
            assertThatThrownBy(() -> Digest.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a digest");
        }
        assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
