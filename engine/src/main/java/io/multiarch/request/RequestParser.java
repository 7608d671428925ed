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

/** {@link RawBuildInput#build()}: every field of a raw input checked against its grammar, every problem named at once. */
final class RequestParser {
    private static final Pattern BUILD_ARG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
    private static final Pattern STAGE = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final Pattern GENERATOR = Pattern.compile("[a-z0-9][a-z0-9._:/-]{0,254}(@sha256:[0-9a-f]{64})?");

    static BuildRequest parse(RawBuildInput in) {
        return new RequestParser(in).request();
    }

    /** {@link RawBuildInput#validate()}. */
    static ValidatedInput validate(RawBuildInput in) {
        List<Violation> v = new ArrayList<>();
        List<VariantSpec> specs = VariantRequests.specs(v, in.variants, in.variantEntries);
        in.dockerfilesFrom(specs);
        BuildRequest request = null;
        try {
            request = in.build();
        } catch (InvalidRequestException e) {
            v.addAll(e.violations());
        }
        List<VariantRequest> built = List.of();
        if (request != null && specs != null) {
            try {
                built = in.buildVariants(specs);
            } catch (InvalidRequestException e) {
                v.addAll(e.violations());
            }
        }
        if (!v.isEmpty()) {
            throw new InvalidRequestException(v);
        }
        return new ValidatedInput(request, built, new ExecutionOptions(in.concurrency, in.batch));
    }

    private final RawBuildInput in;

    private RequestParser(RawBuildInput in) {
        this.in = in;
    }

    private BuildRequest request() {
        List<Violation> v = new ArrayList<>();
        ImageName imageName = RawValues.parse(v, "image", in.image, ImageName::parse);
        List<Tag> tagList = tags(v);
        BuildPaths paths = new BuildPaths(in.workspace, in.probe);
        Path contextDir = RawValues.isBad(v, "context", in.context, false) ? null : paths.context(v, in.context);
        String df = in.dockerfile == null || in.dockerfile.isEmpty() ? "Dockerfile" : in.dockerfile;
        Path dockerfilePath = RawValues.isBad(v, "dockerfile", df, false) || contextDir == null ? null
                : paths.dockerfile(v, df, contextDir, in.dockerfilePerVariant && (in.dockerfile == null || in.dockerfile.isEmpty()));
        if (in.target != null && !in.target.isEmpty() && !RawValues.isBad(v, "target", in.target, false)
                && (!STAGE.matcher(in.target).matches() || in.target.length() > 128)) {
            v.add(new Violation("target", in.target, "not a valid build stage name (a letter, then letters, digits, '_', '.', '-')"));
        }
        Map<String, String> args = new LinkedHashMap<>(in.buildArgs);
        args.putAll(KeyValues.parse("buildArgs", in.buildArgEntries, v));
        RawValues.checkPairs(v, "buildArgs", args, BUILD_ARG, "a build-arg name is a letter or '_' followed by letters, digits or '_'");
        Map<String, String> labelMap = new LinkedHashMap<>(in.labels);
        labelMap.putAll(KeyValues.parse("labels", in.labelEntries, v));
        RawValues.checkPairs(v, "labels", labelMap, LABEL_KEY, "a label key is letters, digits, '.', '_', '/', '-', starting with a letter or digit");
        List<Platform> platformList = platforms(v);
        Set<Platform> optional = optionalPlatforms(v, platformList);
        TestSpec testSpec = RawValues.test(v, in.testShell, in.testExec, in.testExecJson);
        Duration platformLimit = in.platformTimeout.parse(v, "platformTimeout");
        Duration testLimit = in.testTimeout.parse(v, "testTimeout");
        if (in.emulatedRetries < 0 || in.emulatedRetries > BuildRequest.MAX_RETRIES) {
            v.add(new Violation("emulatedRetries", String.valueOf(in.emulatedRetries), "must be between 0 and " + BuildRequest.MAX_RETRIES));
        }
        if (in.concurrency < 1 || in.concurrency > ExecutionOptions.MAX_CONCURRENCY) {
            v.add(new Violation("concurrency", String.valueOf(in.concurrency), "must be between 1 and " + ExecutionOptions.MAX_CONCURRENCY));
        }
        BinfmtMode mode = RawValues.binfmtMode(v, in.binfmtMode);
        BinfmtInstaller installer = RawValues.parse(v, "binfmtInstaller", in.binfmtInstaller, BinfmtInstaller::parse);
        List<BuildSecret> secretList = paths.secrets(v, in.secrets, in.environment != null ? in.environment : System.getenv());
        SizeBudget budget = SizeBudget.parse(v, in.sizeBudgets, in.sizeBudgetWarnOnly, platformList);
        Optional<String> generator = Optional.empty();
        if (in.sbomGenerator != null && !in.sbomGenerator.isEmpty() && !RawValues.isBad(v, "sbomGenerator", in.sbomGenerator, false)) {
            if (!GENERATOR.matcher(in.sbomGenerator).matches()) {
                v.add(new Violation("sbomGenerator", in.sbomGenerator, "not an image reference (REGISTRY/REPO[:TAG][@sha256:…]); no ',' or '='"));
            } else {
                generator = Optional.of(in.sbomGenerator);
            }
        }
        if (!v.isEmpty()) {
            throw new InvalidRequestException(v);
        }
        return new BuildRequest(
                new BuildSource(contextDir, dockerfilePath, Optional.ofNullable(in.target).filter(s -> !s.isEmpty()), args, labelMap,
                        secretList, in.provenance, in.sbom || generator.isPresent(), generator),
                new PublishTarget(imageName, tagList),
                new PlatformSet(platformList, optional),
                new RunPolicy(Optional.ofNullable(testSpec), in.failFast, platformLimit, testLimit, in.emulatedRetries,
                        in.registryCache, budget),
                new BinfmtPolicy(mode, installer));
    }

    private List<Tag> tags(List<Violation> v) {
        List<Tag> tagList = new ArrayList<>();
        if (in.tags.isEmpty()) {
            v.add(new Violation("tags", "", "at least one tag is needed"));
        }
        for (int i = 0; i < in.tags.size(); i++) {
            String field = "tags[" + i + "]";
            Tag t = RawValues.parse(v, field, in.tags.get(i), Tag::parse);
            if (t != null && tagList.contains(t)) {
                v.add(new Violation(field, t.value(), "listed twice"));
            } else if (t != null) {
                tagList.add(t);
            }
        }
        return tagList;
    }

    private List<Platform> platforms(List<Violation> v) {
        List<Platform> platformList = new ArrayList<>();
        if (in.platforms.isEmpty()) {
            v.add(new Violation("platforms", "", "at least one platform is needed; accepted: " + Platform.acceptedList()));
        }
        for (int i = 0; i < in.platforms.size(); i++) {
            String field = "platforms[" + i + "]";
            Platform p = RawValues.parse(v, field, in.platforms.get(i), Platform::parse);
            if (p != null && platformList.contains(p)) {
                v.add(new Violation(field, in.platforms.get(i), "names " + p + " again"));
            } else if (p != null) {
                platformList.add(p);
            }
        }
        return platformList;
    }

    private Set<Platform> optionalPlatforms(List<Violation> v, List<Platform> platformList) {
        Set<Platform> optional = new LinkedHashSet<>();
        for (int i = 0; i < in.optionalPlatforms.size(); i++) {
            String field = "optionalPlatforms[" + i + "]";
            Platform p = RawValues.parse(v, field, in.optionalPlatforms.get(i), Platform::parse);
            if (p != null && !platformList.contains(p) && !platformList.isEmpty()) {
                v.add(new Violation(field, in.optionalPlatforms.get(i), "is not one of the platforms " + platformList));
            } else if (p != null) {
                optional.add(p);
            }
        }
        if (!platformList.isEmpty() && optional.containsAll(platformList)) {
            v.add(new Violation("optionalPlatforms", optional.toString(), "every platform is optional: at least one must be required"));
        }
        return optional;
    }
}
