package io.multiarch.request;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * A repository to publish to, without tag or digest, checked against the OCI distribution reference grammar:
 * {@code [registry[:port]/]path-component(/path-component)*}. {@code registry.example.com/team/app},
 * {@code 127.0.0.1:5000/demo/hello} and {@code team/app} (Docker Hub) are repositories.
 */
public record ImageName(String registry, String path) implements Serializable {
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final int MAX_NAME = 255;

    public static final String DOCKER_HUB = "docker.io";

    /** Checks the parts against the grammar: an image name cannot be made around it; {@link #parse} says why. */
    public ImageName {
        if (registry == null || path == null || !registry.equals(DOCKER_HUB) && !DOMAIN.matcher(registry).matches()
                || path.isEmpty() || (registry + "/" + path).length() > MAX_NAME
                || !java.util.Arrays.stream(path.split("/", -1)).allMatch(c -> PATH_COMPONENT.matcher(c).matches())) {
            throw new IllegalArgumentException("not a repository: registry '" + Printable.of(String.valueOf(registry))
                    + "', path '" + Printable.of(String.valueOf(path)) + "'");
        }
    }

    /**
     * Parses a repository reference.
     *
     * @throws IllegalArgumentException saying what is wrong (a tag or digest given, upper case, bad characters, …)
     */
    public static ImageName parse(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("is empty: give a repository such as registry.example.com/team/app");
        }
        if (value.contains("@")) {
            throw new IllegalArgumentException("must not contain a digest ('@'): give the repository only");
        }
        String registry = DOCKER_HUB;
        String rest = value;
        int slash = value.indexOf('/');
        if (slash > 0) {
            String first = value.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                if (!DOMAIN.matcher(first).matches()) {
                    throw new IllegalArgumentException("'" + Printable.of(first) + "' is not a valid registry host[:port]");
                }
                registry = first;
                rest = value.substring(slash + 1);
            }
        }
        int lastSlash = rest.lastIndexOf('/');
        if (rest.indexOf(':', lastSlash + 1) >= 0) {
            throw new IllegalArgumentException("must not contain a tag (':'): give tags separately");
        }
        String[] parts = rest.split("/", -1);
        for (String part : parts) {
            if (!PATH_COMPONENT.matcher(part).matches()) {
                throw new IllegalArgumentException("path component '" + Printable.of(part)
                        + "' is not valid: lower-case letters, digits and single separators (. _ __ -) only");
            }
        }
        if (registry.equals(DOCKER_HUB) && parts.length == 1) {
            rest = "library/" + rest;
        }
        int length = (registry + "/" + rest).length();
        if (length > MAX_NAME) {
            throw new IllegalArgumentException("is " + length + " characters long; at most " + MAX_NAME
                    + " (counted with its registry, " + registry + "/…)");
        }
        return new ImageName(registry, rest);
    }

    /** The full repository name as docker and buildx take it: {@code registry/path}. */
    public String fullName() {
        return registry + "/" + path;
    }

    /** {@code repo:tag}. */
    public String withTag(Tag tag) {
        return fullName() + ":" + tag.value();
    }

    /** {@code repo@sha256:…}. */
    public String withDigest(String digest) {
        return fullName() + "@" + digest;
    }

    @Override
    public String toString() {
        return fullName();
    }
}
