package io.multiarch.request;

import io.multiarch.platform.Platform;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The requests of a matrix build: the run's input once per variant, with the variant's tag suffix, Dockerfile, target,
 * build arguments, platforms (a subset of the run's) and size budgets; every problem named
 * {@code variants[i] (NAME).field}.
 */
final class VariantRequests {
    private static final Pattern VARIANT_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9_.-]{0,64}");

    private final RawBuildInput run;
    private final BuildRequest base;

    VariantRequests(RawBuildInput run, BuildRequest base) {
        this.run = run;
        this.base = base;
    }

    /** The variants as given, then those written {@code NAME=DOCKERFILE}; null when neither was given. */
    static List<VariantSpec> specs(List<Violation> v, List<VariantSpec> given, List<String> entries) {
        if (given == null && entries.isEmpty()) {
            return null;
        }
        List<VariantSpec> specs = given == null ? new ArrayList<>() : new ArrayList<>(given);
        for (String entry : entries) {
            int eq = entry == null ? -1 : entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                v.add(new Violation("variant", String.valueOf(entry), "expected NAME=DOCKERFILE, e.g. alpine=Dockerfile.alpine"));
            } else {
                specs.add(VariantSpec.ofDockerfile(entry.substring(0, eq), entry.substring(eq + 1)));
            }
        }
        return specs;
    }

    /** Every variant names its own Dockerfile: the run's default need not exist, no variant builds it. */
    static boolean ownDockerfiles(List<VariantSpec> specs) {
        return specs != null && !specs.isEmpty() && specs.stream()
                .allMatch(v -> v != null && v.dockerfile() != null && !v.dockerfile().isEmpty());
    }

    /** @throws InvalidRequestException listing every violation */
    List<VariantRequest> build(List<VariantSpec> variants) {
        List<Violation> v = new ArrayList<>();
        List<VariantRequest> out = new ArrayList<>();
        if (variants.isEmpty()) {
            v.add(new Violation("variants", "[]", "at least one variant is needed"));
        }
        Set<String> names = new HashSet<>();
        Set<String> suffixes = new HashSet<>();
        for (int i = 0; i < variants.size(); i++) {
            VariantSpec spec = variants.get(i);
            String at = "variants[" + i + "]";
            if (spec == null) {
                v.add(new Violation(at, "null", "is missing"));
                continue;
            }
            String name = spec.name();
            if (RawValues.isBad(v, at + ".name", name, false)) {
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
            if (!RawValues.isBad(v, prefix + ".tagSuffix", suffix, false) && !SUFFIX.matcher(suffix).matches()) {
                v.add(new Violation(prefix + ".tagSuffix", suffix, "a tag suffix is letters, digits, '_', '.', '-', at most 64"));
                continue;
            } else if (!suffixes.add(suffix)) {
                v.add(new Violation(prefix + ".tagSuffix", suffix, suffix.isEmpty()
                        ? "another variant has no suffix already: they would publish the same tags"
                        : "another variant has this suffix already: they would publish the same tags"));
                continue;
            }
            RawBuildInput b = variantInput(spec, suffix, prefix, v);
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

    private RawBuildInput variantInput(VariantSpec spec, String suffix, String prefix, List<Violation> v) {
        RawBuildInput b = copy(run);
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
        return b;
    }

    private static boolean parsesTo(String text, Platform p) {
        try {
            return Platform.parse(text).equals(p);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** An input with the same values, changed independently of {@code in}. */
    private static RawBuildInput copy(RawBuildInput in) {
        RawBuildInput b = new RawBuildInput();
        b.image = in.image;
        b.tags = new ArrayList<>(in.tags);
        b.context = in.context;
        b.dockerfile = in.dockerfile;
        b.target = in.target;
        // the run's entries were judged by the run's own build: here they are values a variant's may override
        b.buildArgs.putAll(in.buildArgs);
        b.buildArgs.putAll(KeyValues.parse("buildArgs", in.buildArgEntries, new ArrayList<>()));
        b.labels.putAll(in.labels);
        b.labels.putAll(KeyValues.parse("labels", in.labelEntries, new ArrayList<>()));
        b.platforms = new ArrayList<>(in.platforms);
        b.optionalPlatforms = new ArrayList<>(in.optionalPlatforms);
        b.testShell = in.testShell;
        b.testExec = in.testExec == null ? null : new ArrayList<>(in.testExec);
        b.testExecJson = in.testExecJson;
        b.failFast = in.failFast;
        b.platformTimeout = in.platformTimeout;
        b.testTimeout = in.testTimeout;
        b.emulatedRetries = in.emulatedRetries;
        b.provenance = in.provenance;
        b.concurrency = in.concurrency;
        b.binfmtMode = in.binfmtMode;
        b.binfmtInstaller = in.binfmtInstaller;
        b.registryCache = in.registryCache;
        b.batch = in.batch;
        b.workspace = in.workspace;
        b.probe = in.probe;
        b.secrets.addAll(in.secrets);
        b.environment = in.environment;
        b.sizeBudgets.addAll(in.sizeBudgets);
        b.sizeBudgetWarnOnly = in.sizeBudgetWarnOnly;
        b.dockerfilePerVariant = in.dockerfilePerVariant;
        b.sbom = in.sbom;
        b.sbomGenerator = in.sbomGenerator;
        return b;
    }
}
