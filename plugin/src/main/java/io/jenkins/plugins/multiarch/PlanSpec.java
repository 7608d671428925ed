package io.jenkins.plugins.multiarch;

import io.multiarch.platform.Platform;
import io.multiarch.request.BinfmtMode;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.PathProbe;
import io.multiarch.request.VariantRequest;
import io.multiarch.request.VariantSpec;
import io.multiarch.request.Violation;

import java.io.Serializable;
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
    /** A platform's build timeout as written: {@code 90s}, {@code 10m}, {@code 2h}, or a bare number of minutes. */
    String platformTimeout;
    /** A platform's test timeout as written, as {@link #platformTimeout}. */
    String testTimeout;
    /**
     * The timeouts in minutes, as records before the text form stored them: read (Jenkins' XStream reads transient
     * fields) into {@link #platformTimeout} and {@link #testTimeout} by {@link #readResolve}, never written.
     */
    private transient int platformTimeoutMinutes;
    private transient int testTimeoutMinutes;
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
    /**
     * Build secrets: the id a {@code RUN --mount=type=secret,id=ID} names, and the Jenkins credentials holding its
     * value. References only: the value is read on the agent's stage, written to its private directory and never
     * stored.
     */
    List<SecretRecord> secrets = new ArrayList<>();
    /** Size budgets as the engine reads them ({@code SIZE} or {@code PLATFORM=SIZE}), see {@code SizeBudget}. */
    List<String> sizeBudgets = new ArrayList<>();
    /** A platform over its budget only gets a warning instead of failing. */
    boolean sizeBudgetWarn;
    /** An SBOM attestation on every image. */
    boolean sbom;
    /** The SBOM scanner image, or null for BuildKit's default. */
    String sbomGenerator;
    /** The variant this record builds in a matrix build ({@code variants:}), {@code ""} without variants. */
    String variant = "";
    /** In a matrix build: the ids of every variant's record, this one's included, in the order given. */
    List<String> matrix = new ArrayList<>();
    /** In a matrix build: no variant is published unless every variant's required platforms passed. */
    boolean allOrNothing;
    /** When the plan was made (epoch milliseconds): time zero of the build page's timeline; 0 in older records. */
    long startMillis;

    public String getId() {
        return id;
    }

    public String getImage() {
        return image;
    }

    /** The variant's name in a matrix build, {@code ""} without variants. */
    public String getVariant() {
        return variant;
    }

    /** The stage of a platform: the platform, after the variant's name in a matrix build ({@code alpine linux/arm64}). */
    String stageName(String platform) {
        return variant.isEmpty() ? platform : variant + " " + platform;
    }

    /**
     * The record of one variant of a matrix build: this call's values with the variant's, as the engine made them
     * ({@code request}, validated), under an id of its own.
     */
    PlanSpec forVariant(VariantRequest v, VariantSpec written, List<String> matrixIds, boolean allOrNothing) {
        PlanSpec s = copy();
        s.id = variantId(id, v.name());
        s.variant = v.name();
        s.tags = new ArrayList<>(v.request().tags().stream().map(io.multiarch.request.Tag::value).toList());
        if (written.dockerfile() != null && !written.dockerfile().isEmpty()) {
            s.dockerfile = written.dockerfile();
        }
        s.target = v.request().target().orElse(null);
        s.buildArgs = new LinkedHashMap<>(v.request().buildArgs());
        s.platforms = new ArrayList<>(v.request().platforms().stream().map(Platform::toString).toList());
        s.optionalPlatforms = new ArrayList<>(v.request().optionalPlatforms().stream().map(Platform::toString).toList());
        if (written.sizeBudgets() != null) {
            s.sizeBudgets = new ArrayList<>(written.sizeBudgets());
        }
        s.nativeLabels.keySet().retainAll(s.platforms);
        s.matrix = new ArrayList<>(matrixIds);
        s.allOrNothing = allOrNothing;
        return s;
    }

    static String variantId(String runId, String variant) {
        return runId + "-" + variant;
    }

    /** A copy changed independently of this one (every field is plain and serializable). */
    private PlanSpec copy() {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(this);
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                return (PlanSpec) in.readObject();
            }
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot copy the plan", e);
        }
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
     * Validates every field as {@link #request(String, PathProbe)} does, with each build secret read from the file
     * {@code secretFiles} names for its id (on the agent, in the stage's private directory).
     *
     * @throws InvalidRequestException listing every problem
     */
    BuildRequest request(String workspace, PathProbe probe, Map<String, String> secretFiles) {
        return request(workspace, probe, secretFiles, List.of());
    }

    /**
     * Validates every field at once, the context and Dockerfile as paths inside {@code workspace}, checked through
     * {@code probe}: at plan time in the caller's workspace (where the stash is made), then on each platform's agent
     * after the unstash.
     *
     * @throws InvalidRequestException listing every problem
     */
    BuildRequest request(String workspace, PathProbe probe) {
        return request(workspace, probe, null, List.of());
    }

    /**
     * Validates every field at once, adding {@code more} (what the caller checked itself, such as the credentials of
     * the secrets). Without {@code secretFiles} (at plan time, and for the publish) the secrets' ids are checked but
     * no secret is handed to the engine.
     *
     * @throws InvalidRequestException listing every problem
     */
    BuildRequest request(String workspace, PathProbe probe, Map<String, String> secretFiles, List<Violation> more) {
        return new PlanValidation(this).validate(workspace, probe, secretFiles, more, null, new ArrayList<>());
    }

    /**
     * The variants of a matrix build, validated with the call's other fields, every problem at once, by the engine
     * ({@code RawBuildInput.buildVariants}): their violations are named {@code variants[i] (NAME).field}.
     *
     * @throws InvalidRequestException listing every problem
     */
    List<VariantRequest> variants(String workspace, PathProbe probe, List<VariantSpec> specs, List<Violation> more) {
        List<VariantRequest> out = new ArrayList<>();
        new PlanValidation(this).validate(workspace, probe, null, more, specs, out);
        return out;
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
        if (secrets == null) {
            secrets = new ArrayList<>();
        }
        if (sizeBudgets == null) {
            sizeBudgets = new ArrayList<>();
        }
        if (variant == null) {
            variant = "";
        }
        if (matrix == null) {
            matrix = new ArrayList<>();
        }
        if (platformTimeout == null) {
            platformTimeout = String.valueOf(platformTimeoutMinutes);
        }
        if (testTimeout == null) {
            testTimeout = String.valueOf(testTimeoutMinutes);
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
