package io.multiarch.cli;

import io.multiarch.request.Violation;

/** The request's fields by the names the user typed: {@code --timeout}, not {@code platformTimeout}. */
final class OptionNames {

    private OptionNames() {
    }

    /** A violation as the user wrote it: the option's name and the value as typed, not the request's field. */
    static String describe(Violation v, boolean variantsFromFile) {
        String field = v.field();
        String base = field.replaceAll("\\[.*", "").replace(" key", "");
        String option = switch (base) {
            case "image" -> "--image";
            case "tags" -> "--tag";
            case "context" -> "CONTEXT";
            case "dockerfile" -> "--file";
            case "target" -> "--target";
            case "buildArgs" -> "--build-arg";
            case "labels" -> "--label";
            case "secrets" -> "--secret";
            case "sizeBudgets" -> "--size-budget";
            case "variants" -> (variantsFromFile ? "--variants " : "--variant ") + field;
            case "variant" -> "--variant";
            case "sbomGenerator" -> "--sbom-generator";
            case "platforms" -> "--platforms";
            case "optionalPlatforms" -> "--optional-platform";
            case "test" -> "--test";
            case "testExec" -> "--test-exec";
            case "platformTimeout" -> "--timeout";
            case "testTimeout" -> "--test-timeout";
            case "emulatedRetries" -> "--retries";
            case "concurrency" -> "--concurrency";
            case "binfmt" -> "--binfmt";
            case "binfmtInstaller" -> "--binfmt-installer";
            case "endpoint" -> "--endpoint";
            default -> field;
        };
        return new Violation(option, v.value(), v.problem()).describe().replaceFirst("^field ", option.startsWith("--") ? "option " : "argument ");
    }
}
