package io.multiarch.request;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One variant of a matrix build, as the user wrote it (see {@link RawBuildInput#variants}): the same software
 * on another base (Debian, Alpine, …), built from its own Dockerfile and/or target and/or build arguments, published
 * under the run's tags with its own suffix ({@code 1.4-alpine}), on all of the run's platforms or fewer. A field left
 * null (or empty) takes the run's value.
 *
 * @param name              the variant's name, as reports show it: lower-case letters, digits, {@code _ . -}
 * @param tagSuffix         appended to each of the run's tags ({@code -alpine}); {@code ""} for one variant at most
 * @param dockerfile        its Dockerfile, relative to the context; null for the run's
 * @param target            its build stage; null for the run's
 * @param buildArgs         build arguments added to (and overriding) the run's
 * @param platforms         the run's platforms it builds (not every base exists for every architecture); empty for all
 * @param optionalPlatforms its optional platforms; null for the run's (those it builds)
 * @param sizeBudgets       its size budgets ({@code 12MB}, {@code linux/arm64=14MB}); null for the run's
 */
public record VariantSpec(String name, String tagSuffix, String dockerfile, String target, Map<String, String> buildArgs,
                          List<String> platforms, List<String> optionalPlatforms, List<String> sizeBudgets)
        implements Serializable {

    public VariantSpec {
        buildArgs = buildArgs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
        optionalPlatforms = optionalPlatforms == null ? null : List.copyOf(optionalPlatforms);
        sizeBudgets = sizeBudgets == null ? null : List.copyOf(sizeBudgets);
    }

    /** A variant that differs by its Dockerfile only, tagged {@code -NAME}. */
    public static VariantSpec ofDockerfile(String name, String dockerfile) {
        return new VariantSpec(name, "-" + name, dockerfile, null, Map.of(), List.of(), null, null);
    }
}
