package io.multiarch.result;

import java.io.Serializable;
import java.util.List;

/**
 * A matrix build: every variant's run, in the order given.
 *
 * @param allOrNothing whether no variant was to be published unless every variant's required platforms passed
 * @param interrupted  the signal that stopped the matrix, {@code ""} when it ran to its end
 */
public record MatrixResult(List<VariantResult> variants, boolean allOrNothing, double totalSeconds, String interrupted)
        implements Serializable {

    public MatrixResult {
        variants = List.copyOf(variants);
        interrupted = interrupted == null ? "" : interrupted;
    }

    /** Whether every variant was published. */
    public boolean published() {
        return !variants.isEmpty() && variants.stream().allMatch(v -> v.run().published());
    }

    /** Whether a failed publish of some variant could not put every tag back. */
    public boolean tagsLeftChanged() {
        return variants.stream().anyMatch(v -> v.run().publish().tagsLeftChanged());
    }
}
