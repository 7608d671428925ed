package io.multiarch.request;

import io.multiarch.platform.Platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything one multi-architecture build needs, validated. Front ends (the CLI, the Jenkins step) fill a
 * {@link Builder} with what the user wrote, as strings; {@link Builder#build()} checks every field against the
 * real grammars and either returns a request or throws {@link InvalidRequestException} listing every problem,
 * before any process starts.
 */
public record BuildRequest(
        ImageName image,
        List<Tag> tags,
        Path context,
        Path dockerfile,
        Optional<String> target,
        Map<String, String> buildArgs,
        Map<String, String> labels,
        List<Platform> platforms,
        Set<Platform> optionalPlatforms,
        Optional<TestSpec> test,
        boolean failFast,
        Duration platformTimeout,
        Duration testTimeout,
        int emulatedRetries,
        boolean provenance,
        int concurrency,
        BinfmtMode binfmtMode,
        BinfmtInstaller binfmtInstaller,
        boolean registryCache,
        boolean batch,
        List<BuildSecret> secrets,
        SizeBudget sizeBudget,
        boolean sbom,
        Optional<String> sbomGenerator) {

    public static final Duration DEFAULT_PLATFORM_TIMEOUT = Duration.ofMinutes(60);
    public static final Duration DEFAULT_TEST_TIMEOUT = Duration.ofMinutes(10);
    public static final int MAX_RETRIES = 5;
    public static final int MAX_CONCURRENCY = 32;
    static final int MAX_VALUE_LENGTH = 4096;

    public BuildRequest {
        tags = List.copyOf(tags);
        buildArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        platforms = List.copyOf(platforms);
        optionalPlatforms = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(optionalPlatforms));
        secrets = List.copyOf(secrets);
    }

    /**
     * Whether platforms sharing a docker endpoint are built in one {@code buildx build}: asked for, and not ruled out
     * by {@code concurrency} 1 (one platform at a time) or by attestations, provenance or SBOM (the publish keeps each
     * platform's attestation only from per-platform builds, whose digests are small indexes of image and attestation).
     */
    public boolean batches() {
        return batch && concurrency > 1 && !provenance && !sbom;
    }

    /** Whether a platform may fail without blocking the publish. */
    public boolean isRequired(Platform platform) {
        return !optionalPlatforms.contains(platform);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects raw user values; {@link #build()} validates them all at once. */
    public static final class Builder {
        private static final Pattern BUILD_ARG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
        private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
        private static final Pattern STAGE = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
        private static final int MAX_KEY = 256;
        private static final Pattern GENERATOR = Pattern.compile("[a-z0-9][a-z0-9._:/-]{0,254}(@sha256:[0-9a-f]{64})?");
        private static final Pattern VARIANT_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
        private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9_.-]{0,64}");

        private String image;
        private List<String> tags = List.of("latest");
        private String context = ".";
        private String dockerfile;
        private String target;
        private final Map<String, String> buildArgs = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private List<String> platforms = List.of();
        private List<String> optionalPlatforms = List.of();
        private String testShell;
        private List<String> testExec;
        private boolean failFast;
        private Duration platformTimeout = DEFAULT_PLATFORM_TIMEOUT;
        private Duration testTimeout = DEFAULT_TEST_TIMEOUT;
        private int emulatedRetries = 1;
        private boolean provenance;
        private int concurrency = defaultConcurrency();
        private BinfmtMode binfmtMode = BinfmtMode.VERIFY;
        private String binfmtInstaller = "host";
        private boolean registryCache = true;
        private boolean batch = true;
        private String workspace;
        private PathProbe probe = PathProbe.LOCAL;
        private final List<String> secrets = new ArrayList<>();
        private Map<String, String> environment;
        private final List<String> sizeBudgets = new ArrayList<>();
        private boolean sizeBudgetWarnOnly;
        private boolean dockerfilePerVariant;
        private boolean sbom;
        private String sbomGenerator;

        /** Two builds at a time per core, at least two: a build waits on I/O and the registry as much as on CPU. */
        public static int defaultConcurrency() {
            return Math.max(2, Math.min(MAX_CONCURRENCY, Runtime.getRuntime().availableProcessors() * 2));
        }

        public Builder image(String value) {
            this.image = value;
            return this;
        }

        public Builder tags(List<String> values) {
            this.tags = values == null ? List.of() : new ArrayList<>(values);
            return this;
        }

        public Builder context(String value) {
            this.context = value;
            return this;
        }

        /** The Dockerfile; relative paths are taken from the context. Default: {@code Dockerfile} in the context. */
        public Builder dockerfile(String value) {
            this.dockerfile = value;
            return this;
        }

        public Builder target(String value) {
            this.target = value;
            return this;
        }

        public Builder buildArg(String key, String value) {
            buildArgs.put(key, value);
            return this;
        }

        public Builder buildArgs(Map<String, String> values) {
            buildArgs.putAll(values);
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder labels(Map<String, String> values) {
            labels.putAll(values);
            return this;
        }

        public Builder platforms(List<String> values) {
            this.platforms = values == null ? List.of() : new ArrayList<>(values);
            return this;
        }

        public Builder optionalPlatforms(List<String> values) {
            this.optionalPlatforms = values == null ? List.of() : new ArrayList<>(values);
            return this;
        }

        /** A command run with {@code /bin/sh -c} in each per-platform image. */
        public Builder testShell(String command) {
            this.testShell = command;
            return this;
        }

        /** An argv run as the container's command, for images without a shell. */
        public Builder testExec(List<String> argv) {
            this.testExec = argv == null ? null : new ArrayList<>(argv);
            return this;
        }

        public Builder failFast(boolean value) {
            this.failFast = value;
            return this;
        }

        public Builder platformTimeout(Duration value) {
            this.platformTimeout = value;
            return this;
        }

        public Builder testTimeout(Duration value) {
            this.testTimeout = value;
            return this;
        }

        public Builder emulatedRetries(int value) {
            this.emulatedRetries = value;
            return this;
        }

        public Builder provenance(boolean value) {
            this.provenance = value;
            return this;
        }

        public Builder concurrency(int value) {
            this.concurrency = value;
            return this;
        }

        public Builder binfmtMode(BinfmtMode value) {
            this.binfmtMode = value;
            return this;
        }

        public Builder binfmtInstaller(String value) {
            this.binfmtInstaller = value;
            return this;
        }

        /**
         * Takes the context relative to {@code workspaceDir} (which it must not leave) and checks it and the
         * Dockerfile through {@code pathProbe}: how the Jenkins plugin validates a build context on an agent.
         * Without this, relative paths are taken from this JVM's working directory and checked locally.
         */
        public Builder on(String workspaceDir, PathProbe pathProbe) {
            this.workspace = workspaceDir;
            this.probe = pathProbe;
            return this;
        }

        public Builder registryCache(boolean value) {
            this.registryCache = value;
            return this;
        }

        /**
         * Whether platforms that build on the same docker endpoint are built together, in one {@code buildx build}
         * (default), rather than one build per platform. See {@link BuildRequest#batches()}.
         */
        public Builder batch(boolean value) {
            this.batch = value;
            return this;
        }

        /**
         * A build secret in buildx's form, {@code id=ID,src=FILE} or {@code id=ID,env=VARIABLE} (see
         * {@link BuildSecret#parse}); repeatable. Only the reference is kept: buildx reads the value.
         */
        public Builder secret(String spec) {
            secrets.add(spec);
            return this;
        }

        public Builder secrets(List<String> specs) {
            if (specs != null) {
                secrets.addAll(specs);
            }
            return this;
        }

        /**
         * The environment buildx will run with, for checking that every {@code env=} secret's variable is set
         * (default: this JVM's environment, which the CLI's buildx inherits).
         */
        public Builder environment(Map<String, String> value) {
            this.environment = value;
            return this;
        }

        /**
         * A size budget: {@code SIZE} for every platform, or {@code PLATFORM=SIZE} for one (which wins over the
         * former); sizes as {@link SizeBudget#parseSize} reads them. Repeatable.
         */
        public Builder sizeBudget(String spec) {
            sizeBudgets.add(spec);
            return this;
        }

        public Builder sizeBudgets(List<String> specs) {
            if (specs != null) {
                sizeBudgets.addAll(specs);
            }
            return this;
        }

        /** Whether a platform over its size budget only gets a warning, instead of failing. */
        public Builder sizeBudgetWarnOnly(boolean value) {
            this.sizeBudgetWarnOnly = value;
            return this;
        }

        /**
         * The requests of a matrix build: this builder's request once per variant, with the variant's tag suffix,
         * Dockerfile, target, build arguments, platforms (a subset of this request's) and size budgets. Every problem
         * is named, a variant's as {@code variants[i] (NAME).field}, before anything runs.
         *
         * @throws InvalidRequestException listing every violation
         */
        public List<VariantRequest> buildVariants(List<VariantSpec> variants) {
            dockerfilesFrom(variants);
            BuildRequest base = build();
            List<Violation> v = new ArrayList<>();
            List<VariantRequest> out = new ArrayList<>();
            if (variants.isEmpty()) {
                v.add(new Violation("variants", "[]", "at least one variant is needed"));
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            java.util.Set<String> suffixes = new java.util.HashSet<>();
            for (int i = 0; i < variants.size(); i++) {
                VariantSpec spec = variants.get(i);
                String at = "variants[" + i + "]";
                if (spec == null) {
                    v.add(new Violation(at, "null", "is missing"));
                    continue;
                }
                String name = spec.name();
                if (isBad(v, at + ".name", name, false)) {
                    continue;
                }
                if (!VARIANT_NAME.matcher(name).matches()) {
                    v.add(new Violation(at + ".name", name, "a variant name is lower-case letters, digits, '_', '.', '-', "
                            + "starting with a letter or digit, at most 64"));
                    continue;
                }
                if (!names.add(name)) {
                    v.add(new Violation(at + ".name", name, "names another variant already"));
                    continue;
                }
                String prefix = at + " (" + name + ")";
                String suffix = spec.tagSuffix() == null ? "" : spec.tagSuffix();
                if (!isBad(v, prefix + ".tagSuffix", suffix, false) && !SUFFIX.matcher(suffix).matches()) {
                    v.add(new Violation(prefix + ".tagSuffix", suffix, "a tag suffix is letters, digits, '_', '.', '-', at most 64"));
                    continue;
                } else if (!suffixes.add(suffix)) {
                    v.add(new Violation(prefix + ".tagSuffix", suffix, suffix.isEmpty()
                            ? "another variant has no suffix already: they would publish the same tags"
                            : "another variant has this suffix already: they would publish the same tags"));
                    continue;
                }
                Builder b = copy();
                b.tags = new ArrayList<>();
                for (Tag t : base.tags()) {
                    b.tags.add(t.value() + suffix);
                }
                if (spec.dockerfile() != null && !spec.dockerfile().isEmpty()) {
                    b.dockerfile = spec.dockerfile();
                }
                if (spec.target() != null && !spec.target().isEmpty()) {
                    b.target = spec.target();
                }
                b.buildArgs.putAll(spec.buildArgs());
                if (!spec.platforms().isEmpty()) {
                    b.platforms = new ArrayList<>(spec.platforms());
                    for (int j = 0; j < spec.platforms().size(); j++) {
                        try {
                            Platform p = Platform.parse(spec.platforms().get(j));
                            if (!base.platforms().contains(p)) {
                                v.add(new Violation(prefix + ".platforms[" + j + "]", spec.platforms().get(j),
                                        p + " is not one of the run's platforms " + base.platforms() + ": a variant narrows them"));
                            }
                        } catch (IllegalArgumentException e) {
                            // named by the variant's own build below
                        }
                    }
                }
                if (spec.optionalPlatforms() != null) {
                    b.optionalPlatforms = new ArrayList<>(spec.optionalPlatforms());
                } else if (!spec.platforms().isEmpty()) {
                    List<String> kept = new ArrayList<>();
                    for (Platform p : base.optionalPlatforms()) {
                        if (spec.platforms().stream().anyMatch(x -> parsesTo(x, p))) {
                            kept.add(p.toString());
                        }
                    }
                    b.optionalPlatforms = kept;
                }
                if (spec.sizeBudgets() != null) {
                    b.sizeBudgets.clear();
                    b.sizeBudgets.addAll(spec.sizeBudgets());
                }
                try {
                    out.add(new VariantRequest(name, suffix, b.build()));
                } catch (InvalidRequestException e) {
                    e.violations().forEach(x -> v.add(new Violation(prefix + "." + x.field(), x.value(), x.problem())));
                }
            }
            if (!v.isEmpty()) {
                throw new InvalidRequestException(v);
            }
            return out;
        }

        private static boolean parsesTo(String text, Platform p) {
            try {
                return Platform.parse(text).equals(p);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        /**
         * When every variant names its own Dockerfile and none was given for the run, the run's default
         * {@code Dockerfile} need not exist: no variant builds it.
         */
        public Builder dockerfilesFrom(List<VariantSpec> variants) {
            dockerfilePerVariant = variants != null && !variants.isEmpty() && variants.stream()
                    .allMatch(v -> v != null && v.dockerfile() != null && !v.dockerfile().isEmpty());
            return this;
        }

        /** A builder with the same values, changed independently of this one. */
        private Builder copy() {
            Builder b = new Builder();
            b.image = image;
            b.tags = new ArrayList<>(tags);
            b.context = context;
            b.dockerfile = dockerfile;
            b.target = target;
            b.buildArgs.putAll(buildArgs);
            b.labels.putAll(labels);
            b.platforms = new ArrayList<>(platforms);
            b.optionalPlatforms = new ArrayList<>(optionalPlatforms);
            b.testShell = testShell;
            b.testExec = testExec == null ? null : new ArrayList<>(testExec);
            b.failFast = failFast;
            b.platformTimeout = platformTimeout;
            b.testTimeout = testTimeout;
            b.emulatedRetries = emulatedRetries;
            b.provenance = provenance;
            b.concurrency = concurrency;
            b.binfmtMode = binfmtMode;
            b.binfmtInstaller = binfmtInstaller;
            b.registryCache = registryCache;
            b.batch = batch;
            b.workspace = workspace;
            b.probe = probe;
            b.secrets.addAll(secrets);
            b.environment = environment;
            b.sizeBudgets.addAll(sizeBudgets);
            b.sizeBudgetWarnOnly = sizeBudgetWarnOnly;
            b.dockerfilePerVariant = dockerfilePerVariant;
            b.sbom = sbom;
            b.sbomGenerator = sbomGenerator;
            return b;
        }

        /** Whether each image gets an SBOM attestation (BuildKit's {@code --sbom}). */
        public Builder sbom(boolean value) {
            this.sbom = value;
            return this;
        }

        /**
         * The SBOM generator image ({@code --sbom=generator=IMAGE}) instead of BuildKit's default
         * ({@code docker/buildkit-syft-scanner}, from Docker Hub); implies {@link #sbom}.
         */
        public Builder sbomGenerator(String image) {
            this.sbomGenerator = image;
            return this;
        }

        /**
         * Validates every field and returns the request.
         *
         * @throws InvalidRequestException listing every violation, with field names and values
         */
        public BuildRequest build() {
            List<Violation> v = new ArrayList<>();
            ImageName imageName = parse(v, "image", image, ImageName::parse);

            List<Tag> tagList = new ArrayList<>();
            if (tags.isEmpty()) {
                v.add(new Violation("tags", "", "at least one tag is needed"));
            }
            for (int i = 0; i < tags.size(); i++) {
                String field = "tags[" + i + "]";
                Tag t = parse(v, field, tags.get(i), Tag::parse);
                if (t != null && tagList.contains(t)) {
                    v.add(new Violation(field, t.value(), "listed twice"));
                } else if (t != null) {
                    tagList.add(t);
                }
            }

            Path contextDir = null;
            if (!isBad(v, "context", context, false)) {
                contextDir = resolveContext(v);
            }

            Path dockerfilePath = null;
            String df = dockerfile == null || dockerfile.isEmpty() ? "Dockerfile" : dockerfile;
            if (!isBad(v, "dockerfile", df, false) && contextDir != null) {
                Path p = Path.of(df);
                Path resolved = (p.isAbsolute() ? p : contextDir.resolve(p)).normalize();
                boolean unused = dockerfilePerVariant && (dockerfile == null || dockerfile.isEmpty());
                if (unused) {
                    dockerfilePath = resolved; // every variant builds its own
                } else if (!exists(v, "dockerfile", df, resolved, false)) {
                    v.add(new Violation("dockerfile", df, "no such file" + (p.isAbsolute() ? "" : " in the context " + contextDir)));
                } else {
                    dockerfilePath = resolved;
                }
            }

            if (target != null && !target.isEmpty() && !isBad(v, "target", target, false)
                    && (!STAGE.matcher(target).matches() || target.length() > 128)) {
                v.add(new Violation("target", target, "not a valid build stage name (a letter, then letters, digits, '_', '.', '-')"));
            }

            checkPairs(v, "buildArgs", buildArgs, BUILD_ARG, "a build-arg name is a letter or '_' followed by letters, digits or '_'");
            checkPairs(v, "labels", labels, LABEL_KEY, "a label key is letters, digits, '.', '_', '/', '-', starting with a letter or digit");

            List<Platform> platformList = new ArrayList<>();
            if (platforms.isEmpty()) {
                v.add(new Violation("platforms", "", "at least one platform is needed; accepted: " + Platform.acceptedList()));
            }
            for (int i = 0; i < platforms.size(); i++) {
                String field = "platforms[" + i + "]";
                Platform p = parse(v, field, platforms.get(i), Platform::parse);
                if (p != null && platformList.contains(p)) {
                    v.add(new Violation(field, platforms.get(i), "names " + p + " again"));
                } else if (p != null) {
                    platformList.add(p);
                }
            }
            Set<Platform> optional = new LinkedHashSet<>();
            for (int i = 0; i < optionalPlatforms.size(); i++) {
                String field = "optionalPlatforms[" + i + "]";
                Platform p = parse(v, field, optionalPlatforms.get(i), Platform::parse);
                if (p != null && !platformList.contains(p) && !platformList.isEmpty()) {
                    v.add(new Violation(field, optionalPlatforms.get(i), "is not one of the platforms " + platformList));
                } else if (p != null) {
                    optional.add(p);
                }
            }
            if (!platformList.isEmpty() && optional.containsAll(platformList)) {
                v.add(new Violation("optionalPlatforms", optional.toString(), "every platform is optional: at least one must be required"));
            }

            Optional<TestSpec> testSpec = Optional.empty();
            if (testShell != null && testExec != null) {
                v.add(new Violation("test", testShell, "give either a shell command or an exec form, not both"));
            } else if (testShell != null) {
                if (testShell.isBlank()) {
                    v.add(new Violation("test", testShell, "is empty"));
                } else if (!isBad(v, "test", testShell, true)) {
                    testSpec = Optional.of(TestSpec.shell(testShell));
                }
            } else if (testExec != null) {
                boolean ok = !testExec.isEmpty() && testExec.get(0) != null && !testExec.get(0).isBlank();
                if (!ok) {
                    v.add(new Violation("testExec", String.valueOf(testExec), "needs a program as its first element"));
                }
                for (int i = 0; i < testExec.size(); i++) {
                    ok &= !isBad(v, "testExec[" + i + "]", testExec.get(i), true);
                }
                if (ok) {
                    testSpec = Optional.of(TestSpec.exec(testExec));
                }
            }

            checkDuration(v, "platformTimeout", platformTimeout, Duration.ofHours(24));
            checkDuration(v, "testTimeout", testTimeout, Duration.ofHours(24));
            if (emulatedRetries < 0 || emulatedRetries > MAX_RETRIES) {
                v.add(new Violation("emulatedRetries", String.valueOf(emulatedRetries), "must be between 0 and " + MAX_RETRIES));
            }
            if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
                v.add(new Violation("concurrency", String.valueOf(concurrency), "must be between 1 and " + MAX_CONCURRENCY));
            }
            if (binfmtMode == null) {
                v.add(new Violation("binfmt", "null", "must be one of OFF, VERIFY, INSTALL"));
            }
            BinfmtInstaller installer = parse(v, "binfmtInstaller", binfmtInstaller, BinfmtInstaller::parse);
            List<BuildSecret> secretList = checkSecrets(v);
            SizeBudget budget = checkSizeBudgets(v, platformList);
            Optional<String> generator = Optional.empty();
            if (sbomGenerator != null && !sbomGenerator.isEmpty() && !isBad(v, "sbomGenerator", sbomGenerator, false)) {
                if (!GENERATOR.matcher(sbomGenerator).matches()) {
                    v.add(new Violation("sbomGenerator", sbomGenerator, "not an image reference (REGISTRY/REPO[:TAG][@sha256:…]); "
                            + "no ',' or '='"));
                } else {
                    generator = Optional.of(sbomGenerator);
                }
            }

            if (!v.isEmpty()) {
                throw new InvalidRequestException(v);
            }
            return new BuildRequest(imageName, tagList, contextDir, dockerfilePath, Optional.ofNullable(target).filter(s -> !s.isEmpty()),
                    buildArgs, labels, platformList, optional, testSpec, failFast, platformTimeout, testTimeout,
                    emulatedRetries, provenance, concurrency, binfmtMode, installer, registryCache, batch, secretList, budget, sbom || generator.isPresent(), generator);
        }

        /**
         * Each secret parsed, its id unique, its file present on the building machine (a relative path is taken from
         * the workspace, or this JVM's working directory) and its variable set. The values are never read here.
         */
        private List<BuildSecret> checkSecrets(List<Violation> v) {
            List<BuildSecret> list = new ArrayList<>();
            Map<String, String> env = environment != null ? environment : System.getenv();
            for (int i = 0; i < secrets.size(); i++) {
                String field = "secrets[" + i + "]";
                BuildSecret s = parse(v, field, secrets.get(i), BuildSecret::parse);
                if (s == null) {
                    continue;
                }
                if (list.stream().anyMatch(o -> o.id().equals(s.id()))) {
                    v.add(new Violation(field, secrets.get(i), "the id '" + s.id() + "' is given twice"));
                    continue;
                }
                if (s.kind() == BuildSecret.Kind.ENV) {
                    if (env.get(s.source()) == null) {
                        v.add(new Violation(field, secrets.get(i), "the environment variable " + s.source() + " is not set"));
                        continue;
                    }
                    list.add(s);
                    continue;
                }
                Path p = Path.of(s.source());
                Path resolved = (p.isAbsolute() ? p : (workspace == null ? Path.of("").toAbsolutePath() : Path.of(workspace))
                        .resolve(p)).normalize();
                if (!exists(v, field, secrets.get(i), resolved, false)) {
                    v.add(new Violation(field, secrets.get(i), "no such file: " + resolved));
                    continue;
                }
                list.add(BuildSecret.file(s.id(), resolved.toString()));
            }
            return list;
        }

        private SizeBudget checkSizeBudgets(List<Violation> v, List<Platform> platformList) {
            long all = 0;
            Map<Platform, Long> per = new LinkedHashMap<>();
            for (int i = 0; i < sizeBudgets.size(); i++) {
                String field = "sizeBudgets[" + i + "]";
                String spec = sizeBudgets.get(i);
                if (isBad(v, field, spec, false)) {
                    continue;
                }
                int eq = spec.indexOf('=');
                Platform p = null;
                if (eq >= 0) {
                    try {
                        p = Platform.parse(spec.substring(0, eq).strip());
                    } catch (IllegalArgumentException e) {
                        v.add(new Violation(field, spec, e.getMessage()));
                        continue;
                    }
                    if (!platformList.isEmpty() && !platformList.contains(p)) {
                        v.add(new Violation(field, spec, p + " is not one of the platforms " + platformList));
                        continue;
                    }
                }
                long bytes;
                try {
                    bytes = SizeBudget.parseSize(spec.substring(eq + 1));
                } catch (IllegalArgumentException e) {
                    v.add(new Violation(field, spec, e.getMessage()));
                    continue;
                }
                if (p == null ? all > 0 : per.containsKey(p)) {
                    v.add(new Violation(field, spec, (p == null ? "a budget for every platform" : "a budget for " + p)
                            + " is given twice"));
                } else if (p == null) {
                    all = bytes;
                } else {
                    per.put(p, bytes);
                }
            }
            return all == 0 && per.isEmpty() ? SizeBudget.NONE : new SizeBudget(all, per, sizeBudgetWarnOnly);
        }

        /** The context as an absolute path on the building machine, or null (with a violation) when it is not there. */
        private Path resolveContext(List<Violation> v) {
            Path dir;
            if (workspace == null) {
                dir = Path.of(context).toAbsolutePath().normalize();
            } else {
                Path base = Path.of(workspace).normalize();
                dir = base.resolve(context).normalize();
                if (!dir.startsWith(base)) {
                    v.add(new Violation("context", context, "leaves the workspace " + base));
                    return null;
                }
            }
            if (!exists(v, "context", context, dir, true)) {
                v.add(new Violation("context", context, "is not an existing directory"
                        + (workspace == null ? "" : " in the workspace " + workspace)));
                return null;
            }
            return dir;
        }

        private boolean exists(List<Violation> v, String field, String value, Path path, boolean directory) {
            try {
                return directory ? probe.isDirectory(path.toString()) : probe.isRegularFile(path.toString());
            } catch (java.io.IOException e) {
                v.add(new Violation(field, value, "cannot be checked: " + e.getMessage()));
                return true; // reported above; not also "missing"
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                v.add(new Violation(field, value, "the check was interrupted"));
                return true;
            }
        }

        private static <T> T parse(List<Violation> v, String field, String value, java.util.function.Function<String, T> parser) {
            if (isBad(v, field, value, false)) {
                return null;
            }
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                v.add(new Violation(field, value, e.getMessage()));
                return null;
            }
        }

        /** Null, NUL, line breaks (unless allowed) or over-long values: refused whatever the field's grammar. */
        private static boolean isBad(List<Violation> v, String field, String value, boolean multiline) {
            if (value == null) {
                v.add(new Violation(field, "null", "is missing"));
                return true;
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                v.add(new Violation(field, value, "is " + value.length() + " characters long; at most " + MAX_VALUE_LENGTH));
                return true;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                boolean allowedBreak = multiline && (c == '\n' || c == '\t' || c == '\r');
                if ((c < 0x20 || c == 0x7f) && !allowedBreak) {
                    v.add(new Violation(field, value, String.format("contains the control character \\x%02x", (int) c)));
                    return true;
                }
            }
            return false;
        }

        private static void checkPairs(List<Violation> v, String field, Map<String, String> pairs, Pattern keyGrammar, String rule) {
            for (Map.Entry<String, String> e : pairs.entrySet()) {
                String key = e.getKey();
                if (isBad(v, field + " key", key, false)) {
                    continue;
                }
                if (key.length() > MAX_KEY || !keyGrammar.matcher(key).matches()) {
                    v.add(new Violation(field + " key", key, rule));
                    continue;
                }
                isBad(v, field + "[" + key + "]", e.getValue(), false);
            }
        }

        private static void checkDuration(List<Violation> v, String field, Duration d, Duration max) {
            if (d == null || d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
                v.add(new Violation(field, String.valueOf(d), "must be more than 0 and at most " + max.toHours() + "h"));
            }
        }
    }
}
