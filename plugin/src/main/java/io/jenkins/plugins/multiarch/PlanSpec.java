package io.jenkins.plugins.multiarch;

import io.multiarch.platform.Platform;
import io.multiarch.request.BinfmtMode;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.PathProbe;
import io.multiarch.request.RawBuildInput;
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
    static final int DEFAULT_AGENT_TIMEOUT_MINUTES = 10;
    static final int MAX_MINUTES = 24 * 60;

    String id;
    String image;
    List<String> tags = new ArrayList<>();
    String context = ".";
    String dockerfile = DEFAULT_DOCKERFILE;
    String target;
    Map<String, String> buildArgs = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    /** What the engine refused while reading the step's arguments (entries without '='); not stored. */
    transient List<Violation> inputViolations = new ArrayList<>();
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
    /** The user's own stash exclusions (Ant patterns, relative to the caller's directory). */
    List<String> stashExcludes = new ArrayList<>();
    /** What the context's {@code .dockerignore} certainly ignores, as Ant exclusions: left out of the stash. */
    List<String> ignoredExcludes = new ArrayList<>();
    /** Minutes a platform's stage waits for an agent that can take it before that platform fails. */
    int agentTimeoutMinutes = DEFAULT_AGENT_TIMEOUT_MINUTES;
    /** The node the call runs in (its executor is held while the stages run), or null outside {@code node}. */
    String callerNode;

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
     * Validates every field, with the context and Dockerfile unchecked as paths: what the publish, which reads no
     * build context, needs.
     *
     * @throws InvalidRequestException listing every problem
     */
    BuildRequest validate() {
        return request("/", PathProbe.UNCHECKED);
    }

    /**
     * Validates every field at once, the context and Dockerfile as paths inside {@code workspace}, checked through
     * {@code probe}: at plan time in the caller's workspace (where the stash is made), then on each platform's agent
     * after the unstash.
     *
     * @throws InvalidRequestException listing every problem
     */
    BuildRequest request(String workspace, PathProbe probe) {
        List<Violation> violations = new ArrayList<>();
        checkRelative(violations, "context", context);
        checkRelative(violations, "dockerfile", dockerfile);
        Set<String> badPaths = new LinkedHashSet<>();
        violations.forEach(v -> badPaths.add(v.field()));
        violations.addAll(0, inputViolations == null ? List.of() : inputViolations);
        checkRegistry(violations);
        checkMinutes(violations, "agentTimeout", agentTimeoutMinutes);
        for (int i = 0; i < stashExcludes.size(); i++) {
            checkStashPattern(violations, "stashExcludes[" + i + "]", stashExcludes.get(i));
        }
        try {
            // a path that is not relative is not used as a path: the engine checks everything else
            BuildRequest request = badPaths.isEmpty() ? builder().on(workspace, probe).build()
                    : builder().on("/", PathProbe.UNCHECKED).build();
            if (violations.isEmpty()) {
                return request;
            }
        } catch (InvalidRequestException e) {
            e.violations().stream().filter(v -> !badPaths.contains(v.field())).forEach(violations::add);
        }
        throw new InvalidRequestException(violations);
    }

    /** docker-commons needs a URL: a bare {@code host:port} would fail in every stage, so it is refused here. */
    private void checkRegistry(List<Violation> violations) {
        if (registryUrl == null || registryUrl.isEmpty()) {
            return;
        }
        try {
            java.net.URI uri = new java.net.URI(registryUrl);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                return;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        violations.add(new Violation("registry.url", registryUrl, Messages.PlanSpec_registryUrl()));
    }

    private static void checkMinutes(List<Violation> violations, String field, int minutes) {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            violations.add(new Violation(field, String.valueOf(minutes), Messages.PlanSpec_minutes(1, MAX_MINUTES)));
        }
    }

    /** Stash splits its exclusions at commas and spaces: one pattern must hold neither. */
    private static void checkStashPattern(List<Violation> violations, String field, String value) {
        if (value == null || value.isBlank() || value.chars().anyMatch(c -> c == ',' || Character.isWhitespace(c) || c < 0x20)) {
            violations.add(new Violation(field, String.valueOf(value), Messages.PlanSpec_stashPattern()));
        }
    }

    private RawBuildInput builder() {
        RawBuildInput b = new RawBuildInput()
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

    /** Fills what a record written by an older version lacks (XStream does not run field initializers). */
    private Object readResolve() {
        if (stashExcludes == null) {
            stashExcludes = new ArrayList<>();
        }
        if (ignoredExcludes == null) {
            ignoredExcludes = new ArrayList<>();
        }
        if (agentTimeoutMinutes == 0) {
            agentTimeoutMinutes = DEFAULT_AGENT_TIMEOUT_MINUTES;
        }
        if (nativeLabels == null) {
            nativeLabels = new LinkedHashMap<>();
        }
        return this;
    }

    /** Ant exclusions for {@code stash}: what {@code .dockerignore} certainly ignores, and the user's own. */
    String stashExcludesPattern() {
        List<String> all = new ArrayList<>(ignoredExcludes);
        all.addAll(stashExcludes);
        return String.join(",", all);
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
