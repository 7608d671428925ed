package io.multiarch.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parse of each kind of raw value a front end hands to {@link RawBuildInput}: every refusal becomes a
 * {@link Violation} naming the field and the value as given, so the CLI and the Jenkins step say the same thing about
 * the same value.
 */
final class RawValues {
    static final int MAX_VALUE_LENGTH = 4096;
    private static final int MAX_KEY = 256;
    private static final Pattern DURATION = Pattern.compile("(-?\\d{1,30})([smh]?)");

    static final Duration MAX_TIMEOUT = Duration.ofHours(24);

    private RawValues() {
    }

    /** A timeout as given: typed, or as text with the unit a bare number is in. */
    record Timeout(Duration typed, String text, ChronoUnit bareUnit) {
        static Timeout of(Duration d) {
            return new Timeout(d, null, null);
        }

        Duration parse(List<Violation> v, String field) {
            return bareUnit == null ? duration(v, field, typed, MAX_TIMEOUT) : duration(v, field, text, bareUnit, MAX_TIMEOUT);
        }
    }

    /** Null, NUL, line breaks (unless allowed) or over-long values: refused whatever the field's grammar. */
    static boolean isBad(List<Violation> v, String field, String value, boolean multiline) {
        if (value == null) {
            v.add(new Violation(field, "null", "is missing"));
            return true;
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            v.add(new Violation(field, value, "is " + value.length() + " characters long; at most " + MAX_VALUE_LENGTH));
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowedBreak = multiline && (c == '\n' || c == '\t' || c == '\r');
            if ((c < 0x20 || c == 0x7f) && !allowedBreak) {
                v.add(new Violation(field, value, String.format("contains the control character \\x%02x", (int) c)));
                return true;
            }
        }
        return false;
    }

    /** {@code parser}'s value, or null with a violation carrying the parser's own message. */
    static <T> T parse(List<Violation> v, String field, String value, Function<String, T> parser) {
        if (isBad(v, field, value, false)) {
            return null;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            v.add(new Violation(field, value, e.getMessage()));
            return null;
        }
    }

    /** Each key against its grammar and each value against the common limits. */
    static void checkPairs(List<Violation> v, String field, Map<String, String> pairs, Pattern keyGrammar, String rule) {
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            String key = e.getKey();
            if (isBad(v, field + " key", key, false)) {
                continue;
            }
            if (key.length() > MAX_KEY || !keyGrammar.matcher(key).matches()) {
                v.add(new Violation(field + " key", key, rule));
                continue;
            }
            isBad(v, field + "[" + key + "]", e.getValue(), false);
        }
    }

    /**
     * A duration as written: a whole number with a unit ({@code 90s}, {@code 10m}, {@code 2h}), or a bare number in
     * {@code bareUnit}, the unit its front end documents; more than 0 and at most {@code max}. A refusal names the
     * range in the unit the value was written in.
     */
    static Duration duration(List<Violation> v, String field, String text, ChronoUnit bareUnit, Duration max) {
        if (isBad(v, field, text, false)) {
            return null;
        }
        Matcher m = DURATION.matcher(text.strip());
        ChronoUnit unit = m.matches() ? unitOf(m.group(2), bareUnit) : bareUnit;
        long limit = max.toSeconds() / unit.getDuration().toSeconds();
        String range = "must be between 1 and " + limit + " " + unit.name().toLowerCase(Locale.ROOT) + " ("
                + max.toHours() + " h)";
        if (!m.matches()) {
            v.add(new Violation(field, text, "expected a whole number of " + bareUnit.name().toLowerCase(Locale.ROOT)
                    + ", or one with a unit: 90s, 10m, 1h"));
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            amount = Long.MAX_VALUE;
        }
        if (amount < 1 || amount > limit) {
            v.add(new Violation(field, text, range));
            return null;
        }
        return Duration.of(amount, unit);
    }

    private static ChronoUnit unitOf(String suffix, ChronoUnit bareUnit) {
        return switch (suffix) {
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> bareUnit;
        };
    }

    /** A typed duration, more than 0 and at most {@code max}. */
    static Duration duration(List<Violation> v, String field, Duration d, Duration max) {
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
            v.add(new Violation(field, String.valueOf(d), "must be more than 0 and at most " + max.toHours() + "h"));
            return null;
        }
        return d;
    }

    /** {@code off}, {@code verify} or {@code install}, in any case. */
    static BinfmtMode binfmtMode(List<Violation> v, String text) {
        if (text != null) {
            for (BinfmtMode mode : BinfmtMode.values()) {
                if (mode.name().equalsIgnoreCase(text)) {
                    return mode;
                }
            }
        }
        v.add(new Violation("binfmt", String.valueOf(text), "must be one of off, verify, install"));
        return null;
    }

    /**
     * The test in one of its forms: a shell command, an exec form as a list, or an exec form as a JSON array of
     * strings (the command line's); at most one of them.
     */
    static TestSpec test(List<Violation> v, String shell, List<String> exec, String execJson) {
        if (execJson != null) {
            List<String> argv = argv(execJson);
            if (argv == null) {
                v.add(new Violation("testExec", execJson, "expected a JSON array of strings, e.g. [\"/app/selftest\",\"--quick\"]"));
                return null;
            }
            exec = argv;
        }
        if (shell != null && exec != null) {
            v.add(new Violation("test", shell, "give either a shell command or an exec form, not both"));
            return null;
        }
        if (shell != null) {
            if (shell.isBlank()) {
                v.add(new Violation("test", shell, "is empty"));
                return null;
            }
            return isBad(v, "test", shell, true) ? null : TestSpec.shell(shell);
        }
        if (exec == null) {
            return null;
        }
        boolean ok = !exec.isEmpty() && exec.get(0) != null && !exec.get(0).isBlank();
        if (!ok) {
            v.add(new Violation("testExec", String.valueOf(exec), "needs a program as its first element"));
        }
        for (int i = 0; i < exec.size(); i++) {
            ok &= !isBad(v, "testExec[" + i + "]", exec.get(i), true);
        }
        return ok ? TestSpec.exec(exec) : null;
    }

    /**
     * The JSON reader of {@link #argv}, made on first use: a request without the exec form as JSON (most of them)
     * does not pay for Jackson's start while the command line is still validating.
     */
    private static final class ArgvJson {
        static final ObjectReader READER = new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** A JSON array of strings and nothing else (no numbers, nulls, objects or trailing text); null when it is not one. */
    static List<String> argv(String json) {
        try {
            JsonNode node = ArgvJson.READER.readTree(json);
            if (node == null || !node.isArray()) {
                return null;
            }
            List<String> argv = new ArrayList<>();
            for (JsonNode e : node) {
                if (!e.isTextual()) {
                    return null;
                }
                argv.add(e.textValue());
            }
            return argv;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
