package io.multiarch.request;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A BuildKit build secret, by reference only: its id (what {@code RUN --mount=type=secret,id=ID} names) and where
 * buildx reads its value, a file ({@code src}) or an environment variable of the buildx process ({@code env}). The
 * value itself is never held here, so it cannot reach an argv, a log or a report: buildx reads it and hands it to
 * BuildKit, which mounts it for the {@code RUN} steps that ask and keeps it out of the image and its history.
 *
 * @param id     the secret's id, letters, digits, {@code _ . -}
 * @param source a file path ({@link Kind#FILE}) or a variable name ({@link Kind#ENV})
 */
public record BuildSecret(String id, Kind kind, String source) implements Serializable {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");

    /** Where buildx reads the value. */
    public enum Kind {
        /** A file on the machine that runs buildx. */
        FILE,
        /** An environment variable of the buildx process. */
        ENV
    }

    public BuildSecret {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a valid secret id: letters, digits, '_', '.', '-', not starting with "
                    + "'.' or '-', at most 128");
        }
        if (kind == Kind.ENV && (source == null || !ENV_NAME.matcher(source).matches())) {
            throw new IllegalArgumentException("env= needs a variable name: a letter or '_', then letters, digits or '_'");
        }
        if (kind == Kind.FILE && (source == null || source.isEmpty())) {
            throw new IllegalArgumentException("src= needs a file path");
        }
        if (kind == Kind.FILE && (source.indexOf(',') >= 0 || source.indexOf('"') >= 0)) {
            // buildx reads --secret as one CSV record: a comma or quote in the path would change its meaning
            throw new IllegalArgumentException("the file path of a secret cannot contain ',' or '\"'");
        }
    }

    public static BuildSecret file(String id, String path) {
        return new BuildSecret(id, Kind.FILE, path);
    }

    public static BuildSecret env(String id, String variable) {
        return new BuildSecret(id, Kind.ENV, variable);
    }

    /**
     * Parses buildx's own form, {@code id=ID,src=PATH} ({@code source=} too) or {@code id=ID,env=NAME}, as given to
     * {@code --secret}; {@code type=file|env} may name the kind. Exactly one source is needed.
     */
    public static BuildSecret parse(String spec) {
        if (spec == null || spec.isEmpty()) {
            throw new IllegalArgumentException("expected id=ID,src=FILE or id=ID,env=VARIABLE");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : spec.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + part + "' is not KEY=VALUE; expected id=ID,src=FILE or id=ID,env=VARIABLE");
            }
            String key = part.substring(0, eq);
            if (key.equals("source")) {
                key = "src";
            }
            if (!java.util.Set.of("id", "src", "env", "type").contains(key)) {
                throw new IllegalArgumentException("unknown key '" + part.substring(0, eq) + "'; expected id, src (or source), env, type");
            }
            if (fields.put(key, part.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("'" + key + "' is given twice");
            }
        }
        String id = fields.get("id");
        if (id == null) {
            throw new IllegalArgumentException("no id=; expected id=ID,src=FILE or id=ID,env=VARIABLE");
        }
        String type = fields.get("type");
        if (type != null && !type.equals("file") && !type.equals("env")) {
            throw new IllegalArgumentException("type must be file or env");
        }
        boolean hasSrc = fields.containsKey("src");
        boolean hasEnv = fields.containsKey("env");
        if (hasSrc == hasEnv) {
            throw new IllegalArgumentException(hasSrc ? "give src= or env=, not both" : "give src=FILE or env=VARIABLE");
        }
        if (type != null && !type.equals(hasSrc ? "file" : "env")) {
            throw new IllegalArgumentException("type=" + type + " does not go with " + (hasSrc ? "src=" : "env="));
        }
        return hasSrc ? file(id, fields.get("src")) : env(id, fields.get("env"));
    }

    /** The value of buildx's {@code --secret}: the id and where to read the value, never the value. */
    public String argument() {
        return "id=" + id + (kind == Kind.FILE ? ",src=" + source : ",env=" + source);
    }

    @Override
    public String toString() {
        return argument();
    }
}
