package io.jenkins.plugins.multiarch;

import hudson.Util;
import io.multiarch.platform.Platform;
import io.multiarch.request.KeyValues;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.docker.commons.credentials.DockerServerEndpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code multiArchImage} call's arguments with every default filled in from {@link MultiArchImageConfiguration}:
 * the {@link PlanSpec} the plan records, under a new run id. Values are copied as given (the engine validates them
 * afterwards, every field at once), except that platforms get their canonical spelling where they parse, so that
 * the administrator's labels match.
 */
final class PlanDefaults {

    private PlanDefaults() {
    }

    /** The call's arguments with the global defaults filled in, under {@code runId}. */
    static PlanSpec fill(MultiArchPlanStep step, MultiArchImageConfiguration config, String runId) {
        PlanSpec s = new PlanSpec();
        s.id = runId;
        s.image = step.getImage();
        s.tags = step.getTags() == null ? new ArrayList<>(List.of("latest")) : new ArrayList<>(step.getTags());
        s.context = step.getContext() == null ? "." : step.getContext();
        s.dockerfile = step.getDockerfile() == null ? PlanSpec.DEFAULT_DOCKERFILE : step.getDockerfile();
        s.target = step.getTarget();
        // the engine's one parse of KEY=VALUE entries, as the command line's: an entry without '=' is refused
        s.buildArgs = KeyValues.parse("buildArgs", orEmpty(step.getBuildArgs()), s.inputViolations);
        s.labels = KeyValues.parse("labels", orEmpty(step.getLabels()), s.inputViolations);
        s.platforms = canonical(step.getPlatforms() == null ? config.platformList() : step.getPlatforms());
        s.optionalPlatforms = canonical(orEmpty(step.getOptionalPlatforms()));
        s.testShell = step.getTest();
        s.testExec = step.getTestExec() == null ? null : new ArrayList<>(step.getTestExec());
        s.failFast = step.getFailFast() == null ? config.isFailFast() : step.getFailFast();
        // a bare number is minutes, as the global settings' (and Jenkins' own timeout step)
        s.platformTimeout = step.getPlatformTimeout() == null ? String.valueOf(config.getPlatformTimeoutMinutes())
                : step.getPlatformTimeout();
        s.testTimeout = step.getTestTimeout() == null ? String.valueOf(config.getTestTimeoutMinutes()) : step.getTestTimeout();
        s.emulatedRetries = step.getEmulatedRetries() == null ? config.getEmulatedRetries() : step.getEmulatedRetries();
        s.provenance = step.getProvenance() == null ? config.isProvenance() : step.getProvenance();
        s.registryCache = step.getRegistryCache() == null ? config.isRegistryCache() : step.getRegistryCache();
        s.stashExcludes = new ArrayList<>(orEmpty(step.getStashExcludes()));
        s.agentTimeoutMinutes = step.getAgentTimeout() == null ? config.getAgentTimeoutMinutes() : step.getAgentTimeout();
        if (step.getSecrets() != null) {
            for (BuildSecretBinding b : step.getSecrets()) {
                s.secrets.add(b == null ? new SecretRecord(null, null) : new SecretRecord(b.getId(), b.getCredentialsId()));
            }
        }
        s.sizeBudgets = new ArrayList<>(orEmpty(step.getSizeBudgets()));
        s.sizeBudgetWarn = Boolean.TRUE.equals(step.getSizeBudgetWarn());
        s.sbom = Boolean.TRUE.equals(step.getSbom());
        s.sbomGenerator = step.getSbomGenerator();
        s.binfmtMode = config.getBinfmtMode();
        s.binfmtInstaller = config.getBinfmtInstaller();
        DockerRegistryEndpoint r = step.getRegistry() != null ? step.getRegistry() : config.getRegistry();
        if (r != null) {
            s.registryUrl = r.getUrl();
            s.registryCredentialsId = r.getCredentialsId();
        }
        DockerServerEndpoint server = config.getDockerServer();
        if (server != null) {
            s.dockerServerUri = server.getUri();
            s.dockerServerCredentialsId = server.getCredentialsId();
        }
        s.dockerTool = Util.fixEmpty(config.getDockerTool());
        Map<String, String> nativeLabels = config.nativeLabels();
        for (String p : s.platforms) {
            if (nativeLabels.containsKey(p)) {
                s.nativeLabels.put(p, nativeLabels.get(p));
            }
        }
        s.emulationLabel = config.getEmulationLabel();
        s.publishLabel = config.effectivePublishLabel();
        return s;
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }

    /** Platforms in their canonical spelling where they parse (so labels match); the rest as written, for the engine to refuse. */
    private static List<String> canonical(List<String> values) {
        List<String> list = new ArrayList<>();
        for (String v : values) {
            if (v == null) {
                list.add(null);
                continue;
            }
            try {
                list.add(Platform.parse(v).toString());
            } catch (IllegalArgumentException e) {
                list.add(v);
            }
        }
        return list;
    }
}
