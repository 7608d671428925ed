package io.multiarch.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} of the command and of its subcommands: exit 0 and every option listed. */
class HelpTest {
    private static final List<String> BUILD_OPTIONS = List.of("CONTEXT", "--image", "-t", "--tag", "--platforms",
            "--optional-platform", "-f", "--file", "--target", "--build-arg", "--label", "--test", "--test-exec",
            "--fail-fast", "--timeout", "--test-timeout", "--retries", "--provenance", "--concurrency", "--binfmt",
            "--binfmt-installer", "--no-registry-cache", "--endpoint", "--docker", "--report", "--dry-run", "--push-by-digest");

    @Test
    void shouldShowTopLevelHelpWithEveryOptionAndSubcommand() {
        // When
        CliRun run = CliRun.of("--help");

        // Then
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: multiarch", "-h", "--help", "-V", "--version", "build", "doctor", "help");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldShowBuildHelpWithEveryOption() {
        // When
        CliRun run = CliRun.of("build", "--help");

        // Then
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: multiarch build").contains(BUILD_OPTIONS)
                .contains("Exit codes: 0 published");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldListEveryDeclaredBuildOptionInBuildHelp() {
        // Given: an option added later must show up in the help too
        CommandLine build = Main.commandLine("build").getSubcommands().get("build");

        // When
        CliRun run = CliRun.of("build", "--help");

        // Then
        assertThat(build.getCommandSpec().options()).extracting(OptionSpec::longestName)
                .allSatisfy(name -> assertThat(run.out()).contains(name));
    }

    @Test
    void shouldShowBuildHelpThroughTheHelpSubcommand() {
        // When
        CliRun run = CliRun.of("help", "build");

        // Then
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains(BUILD_OPTIONS);
    }

    @Test
    void shouldShowDoctorHelp() {
        // When
        CliRun run = CliRun.of("doctor", "--help");

        // Then
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: multiarch doctor").contains("--docker");
    }

    @Test
    void shouldPrintTheVersion() {
        // When
        CliRun run = CliRun.of("--version");

        // Then
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("multiarch ");
    }

    @Test
    void shouldBuildOnlyTheSubcommandTheFirstArgumentNames() {
        // When / Then: the others' annotations are never read
        assertThat(Main.commandLine("build").getSubcommands()).containsOnlyKeys("build");
        assertThat(Main.commandLine("doctor").getSubcommands()).containsOnlyKeys("doctor");
        assertThat(Main.commandLine("--help").getSubcommands()).containsOnlyKeys("build", "doctor", "help");
        assertThat(Main.commandLine("").getSubcommands()).containsOnlyKeys("build", "doctor", "help");
    }

    @Test
    void shouldRefuseAnUnknownSubcommandAsInvalidInput() {
        // When
        CliRun run = CliRun.of("biuld", "ctx");

        // Then
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("Unmatched arguments from index 0: 'biuld', 'ctx'", "Try 'multiarch --help'.");
    }

    @Test
    void shouldTakeTheInheritedHelpOptionOnABuiltAloneSubcommand() {
        // When
        CliRun run = CliRun.of("doctor", "-h");

        // Then
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: multiarch doctor");
    }
}
