package io.multiarch.request;

/**
 * A variant of a matrix build, validated: its name, its tag suffix, and the whole request of its build (tags with the
 * suffix, its Dockerfile, target, build arguments, platforms and size budget).
 */
public record VariantRequest(String name, String tagSuffix, BuildRequest request) {
}
