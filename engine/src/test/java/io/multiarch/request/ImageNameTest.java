package io.multiarch.request;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ImageNameTest {

    @ParameterizedTest
    @CsvSource({
            "hello,                            docker.io,             library/hello",
            "team/app,                         docker.io,             team/app",
            "registry.example.com/team/app,    registry.example.com,  team/app",
            "127.0.0.1:5000/demo/hello,        127.0.0.1:5000,        demo/hello",
            "localhost/app,                    localhost,             app",
            "localhost:5000/a/b/c,             localhost:5000,        a/b/c",
            "[::1]:5000/app,                   [::1]:5000,            app",
            "[2001:db8::1]/team/app,           [2001:db8::1],         team/app",
            "Registry.Example.COM/app,         Registry.Example.COM,  app",
            "docker.io/library/busybox,        docker.io,             library/busybox",
            "ghcr.io/o-r_g/a.b__c--d,          ghcr.io,               o-r_g/a.b__c--d"
    })
    void shouldParseRepositoriesOfTheDistributionGrammar(String value, String registry, String path) {
        // When
        ImageName name = ImageName.parse(value);

        // Then
        assertThat(name.registry()).isEqualTo(registry);
        assertThat(name.path()).isEqualTo(path);
        assertThat(name.fullName()).isEqualTo(registry + "/" + path);
        assertThat(name).hasToString(registry + "/" + path);
    }

    @Test
    void shouldDefaultToDockerHubLibraryForASingleComponent() {
        assertThat(ImageName.parse("busybox").fullName()).isEqualTo("docker.io/library/busybox");
        assertThat(ImageName.parse("team/busybox").fullName()).isEqualTo("docker.io/team/busybox");
    }

    @Test
    void shouldComposeTagAndDigestReferences() {
        ImageName name = ImageName.parse("127.0.0.1:5000/demo/hello");
        String digest = "sha256:" + "a".repeat(64);

        assertThat(name.withTag(Tag.parse("1.0"))).isEqualTo("127.0.0.1:5000/demo/hello:1.0");
        assertThat(name.withDigest(digest)).isEqualTo("127.0.0.1:5000/demo/hello@" + digest);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Team/app", "registry.example.com/Team/app", "APP"})
    void shouldRefuseUpperCaseInThePath(String value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ImageName.parse(value))
                .withMessageContaining("is not valid: lower-case letters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"team/app:1.0", "localhost:5000/app:latest", "app:latest"})
    void shouldRefuseATag(String value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ImageName.parse(value))
                .withMessageContaining("must not contain a tag");
    }

    @Test
    void shouldRefuseADigest() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ImageName.parse("team/app@sha256:" + "a".repeat(64)))
                .withMessageContaining("must not contain a digest");
    }

    @ParameterizedTest
    @CsvSource({
            "a//b,         ''",
            "team/app-,    app-",
            "team/-app,    -app",
            "team/app_,    app_",
            "team/a...b,   a...b",
            "team/app/,    ''",
            "/team/app,    ''",
            "team/a b,     a b",
            "team/a___b,   a___b"
    })
    void shouldRefuseInvalidPathComponentsNamingThem(String value, String component) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ImageName.parse(value))
                .withMessageContaining("path component '" + component + "' is not valid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-bad.example.com/app", "bad-.example.com/app", "reg.example.com:99999999/app",
            "[zz::1]:5000/app", "reg_istry.example.com/app"})
    void shouldRefuseInvalidRegistryHosts(String value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ImageName.parse(value))
                .withMessageContaining("is not a valid registry host[:port]");
    }

    @Test
    void shouldRefuseANameOf256Characters() {
        // Given 256 characters, registry included
        String name = "localhost/" + "a".repeat(246);

        // When / Then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ImageName.parse(name))
                .withMessageContaining("is 256 characters long; at most 255");
    }

    @Test
    void shouldAcceptANameOf255CharactersWithItsRegistry() {
        // Given a name that is 255 characters long with its registry, as distribution counts
        String name = "localhost/" + "a".repeat(245);

        // When / Then
        assertThat(ImageName.parse(name).fullName()).hasSize(255);
    }

    @Test
    void shouldRefuseANameWhoseDockerHubFormExceeds255Characters() {
        // Given 250 characters as written; docker normalises it to docker.io/library/… (268) and refuses it
        String name = "a".repeat(250);

        // When / Then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ImageName.parse(name))
                .withMessageContaining("at most 255");
    }

    @Test
    void shouldRefuseEmptyAndNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> ImageName.parse("")).withMessageContaining("is empty");
        assertThatIllegalArgumentException().isThrownBy(() -> ImageName.parse(null)).withMessageContaining("is empty");
    }

    @Test
    void shouldMakeControlCharactersInRefusedComponentsPrintable() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ImageName.parse("team/a\u001bb"))
                .withMessageContaining("'a\\x1bb'");
    }
}
