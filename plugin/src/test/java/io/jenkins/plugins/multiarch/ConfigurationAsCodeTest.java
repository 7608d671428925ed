package io.jenkins.plugins.multiarch;

import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.multiarch.request.BinfmtMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@WithJenkinsConfiguredWithCode
class ConfigurationAsCodeTest {

    @Test
    @ConfiguredWithCode("casc.yml")
    void shouldConfigureEverySettingFromYaml(JenkinsConfiguredWithCodeRule r) {
        // Given casc.yml (the example of the user guide)

        // When
        MultiArchImageConfiguration config = MultiArchImageConfiguration.get();

        // Then
        assertThat(config.platformList()).containsExactly("linux/amd64", "linux/arm64", "linux/arm/v7");
        assertThat(config.nativeLabels()).containsEntry("linux/amd64", "amd64 && docker")
                .containsEntry("linux/arm64", "arm64 && docker").hasSize(2);
        assertThat(config.getEmulationLabel()).isEqualTo("docker && qemu");
        assertThat(config.effectivePublishLabel()).isEqualTo("docker");
        assertThat(config.getRegistry().getUrl()).isEqualTo("https://ghcr.io");
        assertThat(config.getRegistry().getCredentialsId()).isEqualTo("ghcr-push");
        assertThat(config.getBinfmtMode()).isEqualTo(BinfmtMode.INSTALL);
        assertThat(config.getBinfmtInstaller()).startsWith("docker.io/tonistiigi/binfmt@sha256:");
        assertThat(config.getPlatformTimeoutMinutes()).isEqualTo(90);
        assertThat(config.getTestTimeoutMinutes()).isEqualTo(5);
        assertThat(config.getEmulatedRetries()).isEqualTo(2);
        assertThat(config.getAgentTimeoutMinutes()).isEqualTo(15);
        assertThat(config.isFailFast()).isTrue();
        assertThat(config.isProvenance()).isFalse();
        assertThat(config.isRegistryCache()).isTrue();
        assertThat(config.getDockerTool()).isEmpty();
    }
}
