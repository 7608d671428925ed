package io.multiarch.request;

import java.util.List;

/**
 * What {@link RawBuildInput#validate()} makes of a front end's values: the run's request, for a matrix build each
 * variant's (empty when no variant was given), and how the command line executes them.
 */
public record ValidatedInput(BuildRequest request, List<VariantRequest> variants, ExecutionOptions execution) {

    public ValidatedInput {
        variants = List.copyOf(variants);
    }

    /** Whether variants were given: a matrix build, each variant gated and published on its own. */
    public boolean matrix() {
        return !variants.isEmpty();
    }
}
