package io.jenkins.plugins.multiarch;

import io.multiarch.platform.Platform;
import io.multiarch.request.BinfmtMode;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.PathProbe;
import io.multiarch.request.Violation;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code multiArchImage} call with every default filled in from the global configuration, fixed when the plan
 * is made so that every branch and the publish use the same values. Plain fields (no records, no
 * {@code Optional}) so that XStream stores it in {@code build.xml} as it is. {@link #request} turns it into the
 * engine's validated {@link BuildRequest}.
 */
public final class PlanSpec implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String DEFAULT_DOCKERFILE = "Dockerfile";

    String id;
    String image;
    List<String> tags = new ArrayList<>();
    String context = ".";
    String dockerfile = DEFAULT_DOCKERFILE;
    String target;
    Map<String, String> buildArgs = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    List<String> platforms = new ArrayList<>();
    List<String> optionalPlatforms = new ArrayList<>();
    String testShell;
    List<String> testExec;
    boolean failFast;
    int platformTimeoutMinutes;
    int testTimeoutMinutes;
    int emulatedRetries;
    boolean provenance;
    boolean registryCache;
    BinfmtMode binfmtMode;
    String binfmtInstaller;
    String registryUrl;
    String registryCredentialsId;
    String dockerServerUri;
    String dockerServerCredentialsId;
    String dockerTool;
    /** Native agent label by canonical platform, for the platforms of this call that have one. */
    Map<String, String> nativeLabels = new LinkedHashMap<>();
    String emulationLabel = "";
    String publishLabel = "";

    public String getId() {
        return id;
    }

    public String getImage() {
        return image;
    }

    public List<String> getTags() {
        return List.copyOf(tags);
    }

    public List<String> getPlatforms() {
        return List.copyOf(platforms);
    }

    /** The agent label a platform's stage runs on: its native label, else the emulation label. */
    public String labelFor(String platform) {
        return nativeLabels.getOrDefault(platform, emulationLabel);
    }

    public boolean isNative(String platform) {
        return nativeLabels.containsKey(platform);
    }

    public boolean isRequired(String platform) {
        return !optionalPlatforms.contains(platform);
    }

    Set<Platform> nativePlatforms() {
        Set<Platform> s = new LinkedHashSet<>();
        nativeLabels.keySet().forEach(p -> s.add(Platform.parse(p)));
        return s;
    }

    /**
     * Validates everything that can be checked without the build context (on the controller, when planning): the
     * engine checks every field, with the context and Dockerfile unchecked as paths; this class checks that those two
     * are relative and stay inside the stashed context.
     *
     * @throws InvalidRequestException listing every problem
     */
    BuildRequest validate() {
        return request("/", PathProbe.UNCHECKED);
    }

    /**
     * The engine's request with the context taken from {@code workspace} on the agent that builds, checked there
     * through {@code probe}.
     *
     * @throws InvalidRequestException listing every problem
     */
    BuildRequest request(String workspace, PathProbe probe) {
        List<Violation> violations = new ArrayList<>();
        checkRelative(violations, "context", context);
        checkRelative(violations, "dockerfile", dockerfile);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations); // the paths as text first: only then used as paths
        }
        return builder().on(workspace, probe).build();
    }

    private BuildRequest.Builder builder() {
        BuildRequest.Builder b = BuildRequest.builder()
                .image(image)
                .tags(tags)
                .context(context)
                .dockerfile(dockerfile)
                .target(target)
                .buildArgs(buildArgs)
                .labels(labels)
                .platforms(platforms)
                .optionalPlatforms(optionalPlatforms)
                .failFast(failFast)
                .platformTimeout(Duration.ofMinutes(platformTimeoutMinutes))
                .testTimeout(Duration.ofMinutes(testTimeoutMinutes))
                .emulatedRetries(emulatedRetries)
                .provenance(provenance)
                .concurrency(1)
                .binfmtMode(binfmtMode)
                .binfmtInstaller(binfmtInstaller)
                .registryCache(registryCache);
        if (testShell != null) {
            b.testShell(testShell);
        }
        if (testExec != null) {
            b.testExec(testExec);
        }
        return b;
    }

    /** The context and Dockerfile travel in a stash: they must be relative and stay inside the workspace. */
    private static void checkRelative(List<Violation> violations, String field, String value) {
        if (value == null || value.isEmpty()) {
            violations.add(new Violation(field, String.valueOf(value), Messages.PlanSpec_pathMissing()));
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                violations.add(new Violation(field, value, Messages.PlanSpec_controlCharacter()));
                return;
            }
        }
        String p = value.replace('\\', '/');
        if (p.startsWith("/") || p.matches("[A-Za-z]:.*") || List.of(p.split("/")).contains("..")) {
            violations.add(new Violation(field, value, Messages.PlanSpec_notRelative()));
        }
    }

    /** Ant pattern for {@code stash}: the whole context, dot files included. */
    String stashIncludes() {
        String p = context.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() || p.equals(".") ? "**" : p + "/**";
    }
}
