package io.jenkins.plugins.multiarch;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.util.FormValidation;
import io.multiarch.request.BinfmtMode;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@WithJenkins
class MultiArchImageConfigurationTest {
    private static final String PINNED = "docker.io/tonistiigi/binfmt@sha256:" + "a".repeat(64);

    @Test
    void shouldKeepEverySettingThroughTheConfigurationForm(JenkinsRule r) throws Exception {
        // Given: the credential exists (the form's credentials list offers only those)
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, "ghcr", "push to ghcr.io", "bot", "s3cret"));
        SystemCredentialsProvider.getInstance().save();
        MultiArchImageConfiguration config = MultiArchImageConfiguration.get();
        config.setPlatforms("linux/amd64, linux/arm64, linux/arm/v7");
        config.setPlatformLabels(List.of(new PlatformLabel("linux/arm64", "arm64 && docker")));
        config.setEmulationLabel("docker && qemu");
        config.setPublishLabel("docker");
        config.setRegistry(new DockerRegistryEndpoint("https://ghcr.io", "ghcr"));
        config.setDockerTool("docker-27");
        config.setBinfmtMode(BinfmtMode.INSTALL);
        config.setBinfmtInstaller(PINNED);
        config.setPlatformTimeoutMinutes(90);
        config.setTestTimeoutMinutes(5);
        config.setEmulatedRetries(2);
        config.setAgentTimeoutMinutes(3);
        config.setFailFast(true);
        config.setProvenance(true);
        config.setRegistryCache(false);

        // When
        r.configRoundtrip();

        // Then
        MultiArchImageConfiguration after = MultiArchImageConfiguration.get();
        assertThat(after.getPlatforms()).isEqualTo("linux/amd64, linux/arm64, linux/arm/v7");
        assertThat(after.getPlatformLabels()).containsExactly(new PlatformLabel("linux/arm64", "arm64 && docker"));
        assertThat(after.getEmulationLabel()).isEqualTo("docker && qemu");
        assertThat(after.getPublishLabel()).isEqualTo("docker");
        assertThat(after.getRegistry().getUrl()).isEqualTo("https://ghcr.io");
        assertThat(after.getRegistry().getCredentialsId()).isEqualTo("ghcr");
        assertThat(after.getDockerServer()).isNull();
        assertThat(after.getDockerTool()).isEqualTo("docker-27");
        assertThat(after.getBinfmtMode()).isEqualTo(BinfmtMode.INSTALL);
        assertThat(after.getBinfmtInstaller()).isEqualTo(PINNED);
        assertThat(after.getPlatformTimeoutMinutes()).isEqualTo(90);
        assertThat(after.getTestTimeoutMinutes()).isEqualTo(5);
        assertThat(after.getEmulatedRetries()).isEqualTo(2);
        assertThat(after.getAgentTimeoutMinutes()).isEqualTo(3);
        assertThat(after.isFailFast()).isTrue();
        assertThat(after.isProvenance()).isTrue();
        assertThat(after.isRegistryCache()).isFalse();
    }

    @Test
    void shouldRefuseWhatTheEngineRefusesInTheForm(JenkinsRule r) {
        // Given
        MultiArchImageConfiguration config = MultiArchImageConfiguration.get();

        // When / Then
        assertThat(config.doCheckPlatforms("linux/amd64 linux/arm64").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(config.doCheckPlatforms("linux/sparc").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckBinfmtInstaller("host").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(config.doCheckBinfmtInstaller("tonistiigi/binfmt:latest").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckBinfmtInstaller(PINNED).kind).isEqualTo(FormValidation.Kind.WARNING);
        assertThat(config.doCheckEmulatedRetries("9").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckAgentTimeoutMinutes("0").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckAgentTimeoutMinutes("10").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(new PlatformLabel.DescriptorImpl().doCheckPlatform("linux/arm/v7").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(new PlatformLabel.DescriptorImpl().doCheckPlatform("arm/v9").kind).isEqualTo(FormValidation.Kind.ERROR);
    }

    @Test
    void shouldShowEveryTitleOfTheFormWhole(JenkinsRule r) throws Exception {
        // Given
        JenkinsRule.WebClient web = r.createWebClient();

        // When
        String page = web.goTo("manage/configure").asNormalizedText();

        // Then: no title is cut at a parenthesis or comma by the localization syntax
        assertThat(page).contains("Multi-Architecture Images", "Default platforms", "Native agent labels",
                "Emulation label", "Publish label", "QEMU emulators, binfmt_misc", "Emulator installer",
                "Agent wait in minutes", "Platform timeout in minutes", "Test timeout in minutes",
                "Retries of emulated builds");
    }
}
