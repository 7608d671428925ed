package io.jenkins.plugins.multiarch;

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
        // Given
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
        assertThat(new PlatformLabel.DescriptorImpl().doCheckPlatform("linux/arm/v7").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(new PlatformLabel.DescriptorImpl().doCheckPlatform("arm/v9").kind).isEqualTo(FormValidation.Kind.ERROR);
    }
}
