package io.multiarch.context;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DockerIgnoreTest {

    @Test
    void shouldReadPatternsAsBuildKitDoes() {
        // Given
        String text = "# comment\n\n  .git  \n/build/\n./docs/../tmp\n!tmp/keep\r\n node_modules\n";

        // When
        DockerIgnore ignore = DockerIgnore.parse(text);

        // Then
        assertThat(ignore.patterns()).containsExactly(".git", "build", "tmp", "!tmp/keep", "node_modules");
        assertThat(ignore.hasExceptions()).isTrue();
    }

    @Test
    void shouldExcludeEachPatternAndEverythingUnderIt() {
        // Given
        DockerIgnore ignore = DockerIgnore.parse(".git\n*.log\nbuild/**/cache\n");

        // When / Then
        assertThat(ignore.antExcludes(".")).containsExactly(".git", ".git/**", "*.log", "*.log/**",
                "build/**/cache", "build/**/cache/**");
        assertThat(ignore.antExcludes("app/")).containsExactly("app/.git", "app/.git/**", "app/*.log", "app/*.log/**",
                "app/build/**/cache", "app/build/**/cache/**");
    }

    @Test
    void shouldKeepOnlyWhatNoLaterExceptionCanBringBack() {
        // Given: tmp is ignored, but tmp/keep is brought back; *.bak comes after the last exception
        DockerIgnore ignore = DockerIgnore.parse("tmp\n!tmp/keep\n*.bak\n");

        // When / Then
        assertThat(ignore.antExcludes("")).containsExactly("*.bak", "*.bak/**");
    }

    @Test
    void shouldLeaveInWhatAntWouldReadDifferently() {
        // Given: character classes, escapes, spaces and commas (stash splits on both), ** inside a segment
        DockerIgnore ignore = DockerIgnore.parse("file[0-9]\nfoo\\*\nmy file\na,b\nlogs**\n..\n.\nok\n");

        // When / Then
        assertThat(ignore.antExcludes(".")).containsExactly("ok", "ok/**");
    }

    @Test
    void shouldCleanPathsLikeGo() {
        assertThat(DockerIgnore.clean("a//b/./c/../d/")).isEqualTo("a/b/d");
        assertThat(DockerIgnore.clean("/abs/x")).isEqualTo("abs/x");
        assertThat(DockerIgnore.clean("../up")).isEqualTo("../up");
        assertThat(DockerIgnore.clean("./")).isEqualTo(".");
    }

    @Test
    void shouldExcludeNothingWithoutAFile() {
        assertThat(DockerIgnore.none().antExcludes(".")).isEmpty();
    }
}
