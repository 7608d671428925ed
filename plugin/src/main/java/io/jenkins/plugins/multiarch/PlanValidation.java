package io.jenkins.plugins.multiarch;

import io.multiarch.request.BuildRequest;
import io.multiarch.request.BuildSecret;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.PathProbe;
import io.multiarch.request.RawBuildInput;
import io.multiarch.request.VariantRequest;
import io.multiarch.request.VariantSpec;
import io.multiarch.request.Violation;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validation of a {@link PlanSpec}: its values handed to the engine's {@link RawBuildInput} as given (the one way
 * in, as the command line's), plus what only the plugin checks: a context and Dockerfile relative to the workspace
 * (they travel in a stash), the registry URL's scheme, the agent wait, the stash patterns and the secrets' ids and
 * credentials. Every problem at once, as {@link InvalidRequestException}.
 */
final class PlanValidation {
    private final PlanSpec spec;

    PlanValidation(PlanSpec spec) {
        this.spec = spec;
    }

    /**
     * Validates every field at once, the context and Dockerfile as paths inside {@code workspace}, checked through
     * {@code probe}, adding {@code more} (what the caller checked itself); with {@code secretFiles}, each build secret
     * read from the file named for its id; with {@code variantSpecs}, the variants' requests added to
     * {@code variantsOut}.
     *
     * @throws InvalidRequestException listing every problem
     */
    BuildRequest validate(String workspace, PathProbe probe, Map<String, String> secretFiles, List<Violation> more,
                                  List<VariantSpec> variantSpecs, List<VariantRequest> variantsOut) {
        List<Violation> violations = new ArrayList<>();
        checkRelative(violations, "context", spec.context);
        checkRelative(violations, "dockerfile", spec.dockerfile);
        Set<String> badPaths = new LinkedHashSet<>();
        violations.forEach(v -> badPaths.add(v.field()));
        violations.addAll(0, spec.inputViolations == null ? List.of() : spec.inputViolations);
        violations.addAll(more);
        checkRegistry(violations);
        checkMinutes(violations, "agentTimeout", spec.agentTimeoutMinutes);
        for (int i = 0; i < spec.stashExcludes.size(); i++) {
            checkStashPattern(violations, "stashExcludes[" + i + "]", spec.stashExcludes.get(i));
        }
        checkSecrets(violations);
        BuildRequest request = null;
        RawBuildInput builder = null;
        try {
            // a path that is not relative is not used as a path: the engine checks everything else
            builder = badPaths.isEmpty() ? builder().on(workspace, probe) : builder().on("/", PathProbe.UNCHECKED);
            if (secretFiles != null) {
                for (SecretRecord s : spec.secrets) {
                    builder.secret(BuildSecret.file(s.getId(), String.valueOf(secretFiles.get(s.getId()))).argument());
                }
            }
            builder.dockerfilesFrom(variantSpecs);
            request = builder.build();
        } catch (InvalidRequestException e) {
            e.violations().stream().filter(v -> !badPaths.contains(v.field())).forEach(violations::add);
        }
        if (request != null && variantSpecs != null) {
            try {
                variantsOut.addAll(builder.buildVariants(variantSpecs));
            } catch (InvalidRequestException e) {
                violations.addAll(e.violations());
            }
        }
        if (violations.isEmpty()) {
            return request;
        }
        throw new InvalidRequestException(violations);
    }

    /**
     * Each secret's id as buildx takes it and given once, and its credentials named. The engine checks the files
     * once they are written on the agent.
     */
    private void checkSecrets(List<Violation> violations) {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < spec.secrets.size(); i++) {
            SecretRecord s = spec.secrets.get(i);
            String field = "secrets[" + i + "]";
            try {
                BuildSecret.file(s.getId(), "unused");
                if (!ids.add(s.getId())) {
                    violations.add(new Violation(field + ".id", s.getId(), Messages.PlanSpec_secretTwice()));
                }
            } catch (IllegalArgumentException bad) {
                violations.add(new Violation(field + ".id", String.valueOf(s.getId()), bad.getMessage()));
            }
            if (s.getCredentialsId() == null || s.getCredentialsId().isBlank()) {
                violations.add(new Violation(field + ".credentialsId", String.valueOf(s.getCredentialsId()),
                        Messages.PlanSpec_secretCredentials()));
            }
        }
    }

    /** docker-commons needs a URL: a bare {@code host:port} would fail in every stage, so it is refused here. */
    private void checkRegistry(List<Violation> violations) {
        if (spec.registryUrl == null || spec.registryUrl.isEmpty()) {
            return;
        }
        try {
            java.net.URI uri = new java.net.URI(spec.registryUrl);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                return;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        violations.add(new Violation("registry.url", spec.registryUrl, Messages.PlanSpec_registryUrl()));
    }

    private static void checkMinutes(List<Violation> violations, String field, int minutes) {
        if (minutes < 1 || minutes > PlanSpec.MAX_MINUTES) {
            violations.add(new Violation(field, String.valueOf(minutes), Messages.PlanSpec_minutes(1, PlanSpec.MAX_MINUTES)));
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
                .image(spec.image)
                .tags(spec.tags)
                .context(spec.context)
                .dockerfile(spec.dockerfile)
                .target(spec.target)
                .buildArgs(spec.buildArgs)
                .labels(spec.labels)
                .platforms(spec.platforms)
                .optionalPlatforms(spec.optionalPlatforms)
                .failFast(spec.failFast)
                // as written, a bare number in minutes: the engine parses it and names a bad value by its field
                .platformTimeout(spec.platformTimeout, ChronoUnit.MINUTES)
                .testTimeout(spec.testTimeout, ChronoUnit.MINUTES)
                .emulatedRetries(spec.emulatedRetries)
                .provenance(spec.provenance)
                .concurrency(1)
                .binfmtMode(spec.binfmtMode)
                .binfmtInstaller(spec.binfmtInstaller)
                .registryCache(spec.registryCache)
                .sizeBudgets(spec.sizeBudgets)
                .sizeBudgetWarnOnly(spec.sizeBudgetWarn)
                .sbom(spec.sbom);
        if (spec.sbomGenerator != null && !spec.sbomGenerator.isEmpty()) {
            b.sbomGenerator(spec.sbomGenerator);
        }
        if (spec.testShell != null) {
            b.testShell(spec.testShell);
        }
        if (spec.testExec != null) {
            b.testExec(spec.testExec);
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
}
