package io.multiarch.cli;

import io.multiarch.request.Violation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits repeated {@code KEY=VALUE} options, recording a violation for each malformed or repeated one. */
final class KeyValues {

    private KeyValues() {
    }

    static Map<String, String> parse(String field, List<String> values, List<Violation> violations) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : values) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                violations.add(new Violation(field, kv, "expected KEY=VALUE"));
                continue;
            }
            String key = kv.substring(0, eq);
            if (map.containsKey(key)) {
                violations.add(new Violation(field, kv, "the key '" + key + "' is given twice"));
                continue;
            }
            map.put(key, kv.substring(eq + 1));
        }
        return map;
    }
}
