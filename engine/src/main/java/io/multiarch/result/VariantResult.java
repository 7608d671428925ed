package io.multiarch.result;

import java.io.Serializable;

/** One variant of a matrix build: its name, its tag suffix, and its run (platforms and publish). */
public record VariantResult(String name, String tagSuffix, RunResult run) implements Serializable {
}
