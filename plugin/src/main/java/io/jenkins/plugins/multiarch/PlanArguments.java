package io.jenkins.plugins.multiarch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of {@code multiArchImage} as a Jenkinsfile writes them, read into what the step's setters take, and
 * back for the snippet generator. Map-valued arguments ({@code buildArgs}, {@code labels}, a variant's
 * {@code buildArgs}) become {@code NAME=value} lists, single strings one-element lists, a single secret or variant
 * map a one-element list, a test given as a list the exec form, and a timeout given as a number
 * ({@code platformTimeout: 30}, minutes) its text, which the engine parses with the other forms ({@code '90s'}).
 */
final class PlanArguments {
    private static final List<String> LIST_ARGS = List.of("tags", "platforms", "optionalPlatforms", "testExec", "stashExcludes", "sizeBudgets");
    private static final List<String> MAP_ARGS = List.of("buildArgs", "labels");
    private static final List<String> TIMEOUT_ARGS = List.of("platformTimeout", "testTimeout");

    private PlanArguments() {
    }

    /** The arguments as the step's setters take them. */
    static Map<String, Object> instantiate(Map<String, Object> arguments) {
        Map<String, Object> m = new LinkedHashMap<>(arguments);
        for (String key : LIST_ARGS) {
            Object v = m.get(key);
            if (v instanceof CharSequence s) {
                m.put(key, List.of(s.toString()));
            }
        }
        for (String key : MAP_ARGS) {
            if (m.get(key) instanceof Map<?, ?> map) {
                m.put(key, entries(map));
            }
        }
        for (String key : TIMEOUT_ARGS) {
            if (m.get(key) instanceof Number n) { // a bare number: minutes, as Jenkins' own timeout step
                m.put(key, String.valueOf(n));
            }
        }
        for (String key : List.of("secrets", "variants")) {
            if (m.get(key) instanceof Map<?, ?> single) { // one secret or variant without the list around it
                m.put(key, List.of(single));
            }
        }
        if (m.get("variants") instanceof List<?> list) {
            List<Object> variants = new ArrayList<>();
            for (Object v : list) {
                variants.add(v instanceof Map<?, ?> map ? variantArguments(map) : v);
            }
            m.put("variants", variants);
        }
        if (m.get("test") instanceof List<?> argv) {
            m.remove("test");
            m.put("testExec", argv.stream().map(String::valueOf).toList());
        }
        return m;
    }

    /** The step's arguments in the Pipeline syntax: {@code NAME=value} lists as maps. */
    static Map<String, Object> uninstantiate(Map<String, ?> arguments) {
        Map<String, Object> args = new LinkedHashMap<>(arguments);
        for (String key : MAP_ARGS) {
            if (args.get(key) instanceof List<?> list) {
                args.put(key, pairs(list.stream().map(String::valueOf).toList()));
            }
        }
        return args;
    }

    /** A variant's map as {@link ImageVariant} takes it: its own lists and {@code NAME=value} build arguments. */
    private static Map<String, Object> variantArguments(Map<?, ?> variant) {
        Map<String, Object> v = new LinkedHashMap<>();
        variant.forEach((k, x) -> v.put(String.valueOf(k), x));
        for (String key : List.of("platforms", "optionalPlatforms", "sizeBudgets")) {
            if (v.get(key) instanceof CharSequence cs) {
                v.put(key, List.of(cs.toString()));
            }
        }
        if (v.get("buildArgs") instanceof Map<?, ?> map) {
            v.put("buildArgs", entries(map));
        }
        return v;
    }

    private static List<String> entries(Map<?, ?> map) {
        List<String> list = new ArrayList<>();
        map.forEach((k, v) -> list.add(k + "=" + (v == null ? "" : v)));
        return list;
    }

    /** {@code NAME=value} entries as a map, for the snippet generator; an entry without {@code =} becomes a key with an empty value. */
    static Map<String, String> pairs(List<String> entries) {
        Map<String, String> m = new LinkedHashMap<>();
        if (entries != null) {
            for (String e : entries) {
                int eq = e.indexOf('=');
                m.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
            }
        }
        return m;
    }
}
