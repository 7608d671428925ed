package io.multiarch.request;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TagTest {

    @ParameterizedTest
    @ValueSource(strings = {"latest", "1.2.3", "v1.0-rc.1", "_private", "A_b.C-d", "0", "sha-1a2b3c"})
    void shouldAcceptTagsOfTheOciGrammar(String value) {
        assertThat(Tag.parse(value).value()).isEqualTo(value);
        assertThat(Tag.parse(value)).hasToString(value);
    }

    @Test
    void shouldAcceptATagOf128Characters() {
        // Given
        String longest = "a".repeat(128);

        // When / Then
        assertThat(Tag.parse(longest).value()).hasSize(128);
    }

    @Test
    void shouldRefuseATagOf129Characters() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Tag.parse("a".repeat(129)))
                .withMessageContaining("at most 128 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {".hidden", "-dash", "", "with space", "a:b", "a/b", "a@b", "ünicode", "a\nb"})
    void shouldRefuseTagsOutsideTheGrammar(String value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Tag.parse(value))
                .withMessageContaining("not a valid tag")
                .withMessageContaining("not starting with '.' or '-'");
    }

    @Test
    void shouldRefuseNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> Tag.parse(null));
    }

    @Test
    void shouldBeEqualByValue() {
        assertThat(Tag.parse("v1")).isEqualTo(new Tag("v1")).hasSameHashCodeAs(new Tag("v1"));
        assertThat(Tag.parse("v1")).isNotEqualTo(Tag.parse("V1"));
    }
}
