package io.multiarch.request;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way in: every front end (the CLI's options, the Jenkins step's arguments) fills this with the values as the
 * user gave them, strings and lists of strings; {@link #build()} parses each kind of value once (key/value lists,
 * durations, the test's forms, platforms, sizes, secrets) and returns the validated {@link BuildRequest}, or throws
 * {@link InvalidRequestException} naming every field and value that is wrong, before any process starts. The typed
 * setters are for callers whose values are typed already.
 */
public final class RawBuildInput {
    String image;
    List<String> tags = List.of("latest");
    String context = ".";
    String dockerfile;
    String target;
    final Map<String, String> buildArgs = new LinkedHashMap<>();
    final List<String> buildArgEntries = new ArrayList<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    final List<String> labelEntries = new ArrayList<>();
    List<String> platforms = List.of();
    List<String> optionalPlatforms = List.of();
    String testShell;
    List<String> testExec;
    String testExecJson;
    boolean failFast;
    RawValues.Timeout platformTimeout = RawValues.Timeout.of(BuildRequest.DEFAULT_PLATFORM_TIMEOUT);
    RawValues.Timeout testTimeout = RawValues.Timeout.of(BuildRequest.DEFAULT_TEST_TIMEOUT);
    int emulatedRetries = 1;
    boolean provenance;
    int concurrency = ExecutionOptions.defaultConcurrency();
    String binfmtMode = BinfmtMode.VERIFY.name();
    String binfmtInstaller = "host";
    boolean registryCache = true;
    boolean batch = true;
    String workspace;
    PathProbe probe = PathProbe.LOCAL;
    final List<String> secrets = new ArrayList<>();
    Map<String, String> environment;
    final List<String> sizeBudgets = new ArrayList<>();
    boolean sizeBudgetWarnOnly;
    boolean dockerfilePerVariant;
    boolean sbom;
    String sbomGenerator;
    List<VariantSpec> variants;
    final List<String> variantEntries = new ArrayList<>();

    public RawBuildInput image(String value) {
        this.image = value;
        return this;
    }

    public RawBuildInput tags(List<String> values) {
        this.tags = values == null ? List.of() : new ArrayList<>(values);
        return this;
    }

    public RawBuildInput context(String value) {
        this.context = value;
        return this;
    }

    /** Relative to the context; default: {@code Dockerfile} in the context. */
    public RawBuildInput dockerfile(String value) {
        this.dockerfile = value;
        return this;
    }

    public RawBuildInput target(String value) {
        this.target = value;
        return this;
    }

    public RawBuildInput buildArg(String key, String value) {
        return buildArgs(java.util.Collections.singletonMap(key, value));
    }

    public RawBuildInput buildArgs(Map<String, String> values) {
        buildArgs.putAll(values);
        return this;
    }

    /** Build arguments as {@code KEY=VALUE} entries; one without {@code =}, or a key given twice, is refused. */
    public RawBuildInput buildArgs(List<String> entries) {
        if (entries != null) {
            buildArgEntries.addAll(entries);
        }
        return this;
    }

    public RawBuildInput label(String key, String value) {
        return labels(java.util.Collections.singletonMap(key, value));
    }

    public RawBuildInput labels(Map<String, String> values) {
        labels.putAll(values);
        return this;
    }

    /** Labels as {@code KEY=VALUE} entries; one without {@code =}, or a key given twice, is refused. */
    public RawBuildInput labels(List<String> entries) {
        if (entries != null) {
            labelEntries.addAll(entries);
        }
        return this;
    }

    public RawBuildInput platforms(List<String> values) {
        this.platforms = values == null ? List.of() : new ArrayList<>(values);
        return this;
    }

    public RawBuildInput optionalPlatforms(List<String> values) {
        this.optionalPlatforms = values == null ? List.of() : new ArrayList<>(values);
        return this;
    }

    /** A command run with {@code /bin/sh -c} in each per-platform image. */
    public RawBuildInput testShell(String command) {
        this.testShell = command;
        return this;
    }

    /** An argv run as the container's command, for images without a shell. */
    public RawBuildInput testExec(List<String> argv) {
        this.testExec = argv == null ? null : new ArrayList<>(argv);
        return this;
    }

    /** The exec form as a JSON array of strings, {@code ["/app/selftest","--quick"]} (the command line's form). */
    public RawBuildInput testExecJson(String json) {
        this.testExecJson = json;
        return this;
    }

    public RawBuildInput failFast(boolean value) {
        this.failFast = value;
        return this;
    }

    public RawBuildInput platformTimeout(Duration value) {
        this.platformTimeout = RawValues.Timeout.of(value);
        return this;
    }

    /** As written: {@code 90s}, {@code 10m}, {@code 2h}, or a bare number in {@code bareUnit}. */
    public RawBuildInput platformTimeout(String text, ChronoUnit bareUnit) {
        this.platformTimeout = new RawValues.Timeout(null, text, bareUnit);
        return this;
    }

    public RawBuildInput testTimeout(Duration value) {
        this.testTimeout = RawValues.Timeout.of(value);
        return this;
    }

    /** As written: {@code 90s}, {@code 10m}, {@code 2h}, or a bare number in {@code bareUnit}. */
    public RawBuildInput testTimeout(String text, ChronoUnit bareUnit) {
        this.testTimeout = new RawValues.Timeout(null, text, bareUnit);
        return this;
    }

    public RawBuildInput emulatedRetries(int value) {
        this.emulatedRetries = value;
        return this;
    }

    public RawBuildInput provenance(boolean value) {
        this.provenance = value;
        return this;
    }

    public RawBuildInput concurrency(int value) {
        this.concurrency = value;
        return this;
    }

    public RawBuildInput binfmtMode(BinfmtMode value) {
        this.binfmtMode = value == null ? null : value.name();
        return this;
    }

    /** {@code off}, {@code verify} or {@code install}, in any case. */
    public RawBuildInput binfmtMode(String value) {
        this.binfmtMode = value;
        return this;
    }

    public RawBuildInput binfmtInstaller(String value) {
        this.binfmtInstaller = value;
        return this;
    }

    /** The context inside {@code workspaceDir}, paths checked through {@code pathProbe} (on a Jenkins agent). */
    public RawBuildInput on(String workspaceDir, PathProbe pathProbe) {
        this.workspace = workspaceDir;
        this.probe = pathProbe;
        return this;
    }

    public RawBuildInput registryCache(boolean value) {
        this.registryCache = value;
        return this;
    }

    /** Whether the platforms of one docker endpoint build in one {@code buildx build}: {@link BuildRequest#batches()}. */
    public RawBuildInput batch(boolean value) {
        this.batch = value;
        return this;
    }

    /** Build secrets in buildx's form, {@code id=ID,src=FILE} or {@code id=ID,env=VARIABLE}. */
    public RawBuildInput secret(String spec) {
        return secrets(java.util.Collections.singletonList(spec));
    }

    public RawBuildInput secrets(List<String> specs) {
        if (specs != null) {
            secrets.addAll(specs);
        }
        return this;
    }

    /** The environment buildx will run with, for checking {@code env=} secrets (default: this JVM's). */
    public RawBuildInput environment(Map<String, String> value) {
        this.environment = value;
        return this;
    }

    /** Size budgets: {@code SIZE} for every platform, or {@code PLATFORM=SIZE} for one (which wins). */
    public RawBuildInput sizeBudget(String spec) {
        return sizeBudgets(java.util.Collections.singletonList(spec));
    }

    public RawBuildInput sizeBudgets(List<String> specs) {
        if (specs != null) {
            sizeBudgets.addAll(specs);
        }
        return this;
    }

    /** Whether a platform over its size budget only gets a warning, instead of failing. */
    public RawBuildInput sizeBudgetWarnOnly(boolean value) {
        this.sizeBudgetWarnOnly = value;
        return this;
    }

    /** Whether each image gets an SBOM attestation (BuildKit's {@code --sbom}). */
    public RawBuildInput sbom(boolean value) {
        this.sbom = value;
        return this;
    }

    /** The SBOM generator image ({@code --sbom=generator=IMAGE}) instead of BuildKit's default; implies {@link #sbom}. */
    public RawBuildInput sbomGenerator(String image) {
        this.sbomGenerator = image;
        return this;
    }

    /** The variants of a matrix build, as written; see {@link #validate()}. */
    public RawBuildInput variants(List<VariantSpec> specs) {
        this.variants = specs == null ? null : new ArrayList<>(specs);
        return this;
    }

    /** A variant as {@code NAME=DOCKERFILE}, tagged {@code -NAME}; repeatable, after those of {@link #variants}. */
    public RawBuildInput variant(String entry) {
        variantEntries.add(entry);
        return this;
    }

    /** The request and, with variants, each variant's; {@link InvalidRequestException} names every violation of all. */
    public ValidatedInput validate() {
        return RequestParser.validate(this);
    }

    /** Every variant naming its own Dockerfile (and none given for the run): the run's default need not exist. */
    public RawBuildInput dockerfilesFrom(List<VariantSpec> specs) {
        dockerfilePerVariant = VariantRequests.ownDockerfiles(specs);
        return this;
    }

    /** This input's request once per variant, violations named {@code variants[i] (NAME).field}: {@link #validate()}. */
    public List<VariantRequest> buildVariants(List<VariantSpec> specs) {
        dockerfilesFrom(specs);
        return new VariantRequests(this, build()).build(specs);
    }

    /** Every field validated; {@link InvalidRequestException} names each field and value that is wrong. */
    public BuildRequest build() {
        return RequestParser.parse(this);
    }
}
