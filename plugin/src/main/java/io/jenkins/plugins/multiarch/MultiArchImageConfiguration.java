package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import io.multiarch.platform.Platform;
import io.multiarch.request.BinfmtMode;
import io.multiarch.request.BuildRequest;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.docker.commons.credentials.DockerServerEndpoint;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.StaplerRequest2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The administrator's defaults and policies for {@code multiArchImage} (Manage Jenkins » System): which
 * platforms, which agents run them, the default registry, how QEMU emulators are provisioned, timeouts and retries.
 * Step parameters override the defaults; agent labels, the binfmt policy, the docker tool and the docker server
 * are the administrator's alone. Every property is a {@link DataBoundSetter}, so Configuration as Code works as is.
 * The form's checks are {@link SettingsFormChecks}'.
 */
@Extension
@Symbol("multiArchImageSettings")
public class MultiArchImageConfiguration extends SettingsFormChecks {

    private String platforms = "linux/amd64, linux/arm64";
    private List<PlatformLabel> platformLabels = new ArrayList<>();
    private String emulationLabel = "";
    private String publishLabel = "";
    private DockerRegistryEndpoint registry;
    private DockerServerEndpoint dockerServer;
    private String dockerTool = "";
    private BinfmtMode binfmtMode = BinfmtMode.VERIFY;
    private String binfmtInstaller = "host";
    private int platformTimeoutMinutes = (int) BuildRequest.DEFAULT_PLATFORM_TIMEOUT.toMinutes();
    private int testTimeoutMinutes = (int) BuildRequest.DEFAULT_TEST_TIMEOUT.toMinutes();
    private int emulatedRetries = 1;
    private int agentTimeoutMinutes = PlanSpec.DEFAULT_AGENT_TIMEOUT_MINUTES;
    private boolean failFast;
    private boolean provenance;
    private boolean registryCache = true;

    public MultiArchImageConfiguration() {
        load();
    }

    public static MultiArchImageConfiguration get() {
        return ExtensionList.lookupSingleton(MultiArchImageConfiguration.class);
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        // repeatable and optional properties keep their old value when the form omits them
        platformLabels = new ArrayList<>();
        registry = null;
        dockerServer = null;
        req.bindJSON(this, json);
        save();
        return true;
    }

    /** The default platforms, comma or space separated, e.g. {@code linux/amd64, linux/arm64}. */
    public String getPlatforms() {
        return platforms;
    }

    @DataBoundSetter
    public void setPlatforms(String platforms) {
        this.platforms = Util.fixNull(platforms).trim();
        save();
    }

    /** {@link #getPlatforms()} as a list. */
    public List<String> platformList() {
        return splitList(platforms);
    }

    public List<PlatformLabel> getPlatformLabels() {
        return platformLabels == null ? List.of() : List.copyOf(platformLabels);
    }

    @DataBoundSetter
    public void setPlatformLabels(List<PlatformLabel> platformLabels) {
        this.platformLabels = platformLabels == null ? new ArrayList<>() : new ArrayList<>(platformLabels);
        save();
    }

    /** Native labels by canonical platform ({@code linux/arm/v7}); entries whose platform does not parse are left out. */
    public Map<String, String> nativeLabels() {
        Map<String, String> m = new LinkedHashMap<>();
        for (PlatformLabel pl : getPlatformLabels()) {
            try {
                m.putIfAbsent(Platform.parse(pl.getPlatform()).toString(), pl.getLabel());
            } catch (IllegalArgumentException e) {
                // refused by the form validation; a hand-edited file must not break every build
            }
        }
        return m;
    }

    public String getEmulationLabel() {
        return emulationLabel;
    }

    @DataBoundSetter
    public void setEmulationLabel(String emulationLabel) {
        this.emulationLabel = Util.fixNull(emulationLabel).trim();
        save();
    }

    public String getPublishLabel() {
        return publishLabel;
    }

    @DataBoundSetter
    public void setPublishLabel(String publishLabel) {
        this.publishLabel = Util.fixNull(publishLabel).trim();
        save();
    }

    /** The label the publish stage runs on: the publish label, else the emulation label. */
    public String effectivePublishLabel() {
        return publishLabel == null || publishLabel.isEmpty() ? getEmulationLabel() : publishLabel;
    }

    public @CheckForNull DockerRegistryEndpoint getRegistry() {
        return registry;
    }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) {
        this.registry = registry;
        save();
    }

    public @CheckForNull DockerServerEndpoint getDockerServer() {
        return dockerServer;
    }

    @DataBoundSetter
    public void setDockerServer(DockerServerEndpoint dockerServer) {
        this.dockerServer = dockerServer;
        save();
    }

    public String getDockerTool() {
        return dockerTool;
    }

    @DataBoundSetter
    public void setDockerTool(String dockerTool) {
        this.dockerTool = Util.fixNull(dockerTool).trim();
        save();
    }

    public BinfmtMode getBinfmtMode() {
        return binfmtMode == null ? BinfmtMode.VERIFY : binfmtMode;
    }

    @DataBoundSetter
    public void setBinfmtMode(BinfmtMode binfmtMode) {
        this.binfmtMode = binfmtMode;
        save();
    }

    public String getBinfmtInstaller() {
        return binfmtInstaller;
    }

    @DataBoundSetter
    public void setBinfmtInstaller(String binfmtInstaller) {
        this.binfmtInstaller = Util.fixEmptyAndTrim(binfmtInstaller) == null ? "host" : binfmtInstaller.trim();
        save();
    }

    public int getPlatformTimeoutMinutes() {
        return platformTimeoutMinutes;
    }

    @DataBoundSetter
    public void setPlatformTimeoutMinutes(int platformTimeoutMinutes) {
        this.platformTimeoutMinutes = platformTimeoutMinutes;
        save();
    }

    public int getTestTimeoutMinutes() {
        return testTimeoutMinutes;
    }

    @DataBoundSetter
    public void setTestTimeoutMinutes(int testTimeoutMinutes) {
        this.testTimeoutMinutes = testTimeoutMinutes;
        save();
    }

    /** How long a platform's stage waits for an agent that can take it; 0 in a file of an older version = default. */
    public int getAgentTimeoutMinutes() {
        return agentTimeoutMinutes <= 0 ? PlanSpec.DEFAULT_AGENT_TIMEOUT_MINUTES : agentTimeoutMinutes;
    }

    @DataBoundSetter
    public void setAgentTimeoutMinutes(int agentTimeoutMinutes) {
        this.agentTimeoutMinutes = agentTimeoutMinutes;
        save();
    }

    public int getEmulatedRetries() {
        return emulatedRetries;
    }

    @DataBoundSetter
    public void setEmulatedRetries(int emulatedRetries) {
        this.emulatedRetries = emulatedRetries;
        save();
    }

    public boolean isFailFast() {
        return failFast;
    }

    @DataBoundSetter
    public void setFailFast(boolean failFast) {
        this.failFast = failFast;
        save();
    }

    public boolean isProvenance() {
        return provenance;
    }

    @DataBoundSetter
    public void setProvenance(boolean provenance) {
        this.provenance = provenance;
        save();
    }

    public boolean isRegistryCache() {
        return registryCache;
    }

    @DataBoundSetter
    public void setRegistryCache(boolean registryCache) {
        this.registryCache = registryCache;
        save();
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return Messages.Configuration_displayName();
    }
}
