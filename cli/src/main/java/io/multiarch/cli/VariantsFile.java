package io.multiarch.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.multiarch.docker.Json;
import io.multiarch.request.VariantSpec;
import io.multiarch.request.Violation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --variants FILE}: a JSON array of variants, or {@code {"variants": [...]}}, each as {@link VariantSpec} reads. */
final class VariantsFile {

    private VariantsFile() {
    }

    /** The variants the file holds; a violation for the file, or for each entry, that cannot be read. */
    static List<VariantSpec> read(Path file, List<Violation> violations) {
        List<VariantSpec> specs = new ArrayList<>();
        try {
            JsonNode root = Json.MAPPER.readTree(file.toFile());
            JsonNode list = root != null && root.isObject() ? root.get("variants") : root;
            if (list == null || !list.isArray()) {
                violations.add(new Violation("variants", file.toString(), "expected a JSON array of variants, or {\"variants\": [...]}"));
                return specs;
            }
            ObjectReader reader = Json.MAPPER.readerFor(VariantSpec.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            for (int i = 0; i < list.size(); i++) {
                try {
                    specs.add(reader.readValue(list.get(i)));
                } catch (IOException e) {
                    violations.add(new Violation("variants[" + i + "]", list.get(i).toString(),
                            "not a variant: " + e.getMessage().lines().findFirst().orElse("")));
                }
            }
        } catch (IOException e) {
            violations.add(new Violation("variants", file.toString(), "cannot be read as JSON: "
                    + e.getMessage().lines().findFirst().orElse("")));
        }
        return specs;
    }
}
