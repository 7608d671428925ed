package io.multiarch.request;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one parse of repeated {@code KEY=VALUE} values (build arguments, labels, the CLI's endpoints): an entry without
 * {@code =}, or with nothing before it, and a key given twice are refused, each named by its field with the entry as
 * given. Every front end gets the same message for the same entry.
 */
public final class KeyValues {

    private KeyValues() {
    }

    /** The entries as a map in their order; a violation for each malformed or repeated one. */
    public static Map<String, String> parse(String field, List<String> entries, List<Violation> violations) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : entries) {
            int eq = kv == null ? -1 : kv.indexOf('=');
            if (eq <= 0) {
                violations.add(new Violation(field, String.valueOf(kv), "expected KEY=VALUE"));
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
