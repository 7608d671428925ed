package io.multiarch.context;

import java.util.ArrayList;
import java.util.List;

/**
 * A build context's {@code .dockerignore}, read as BuildKit reads it, turned into the exclusions that a copy of
 * the context may safely leave out (the Jenkins plugin stashes the context from the caller's workspace and sends
 * it through the controller to every platform's agent).
 *
 * <p>Leaving out too little is always safe, since BuildKit applies the file again when it builds; leaving out too
 * much would change the build. So only what is certainly ignored becomes an exclusion: the patterns after the last
 * {@code !} exception (an exception can bring back files that an earlier pattern ignored, and Ant exclusions cannot),
 * and only those whose syntax means the same as an Ant pattern (no character classes, escapes, commas or spaces,
 * {@code **} only as a whole path segment).
 */
public final class DockerIgnore {
    /** The name of the file in the context root. */
    public static final String FILE_NAME = ".dockerignore";

    private final List<String> patterns;
    private final boolean hasExceptions;

    private DockerIgnore(List<String> patterns, boolean hasExceptions) {
        this.patterns = List.copyOf(patterns);
        this.hasExceptions = hasExceptions;
    }

    /** No file: nothing is ignored. */
    public static DockerIgnore none() {
        return new DockerIgnore(List.of(), false);
    }

    /**
     * Parses the file's text as BuildKit does: one pattern a line, surrounding white space trimmed, {@code #}
     * lines and empty lines skipped, {@code !} marks an exception, each pattern cleaned of {@code .}, {@code ..}
     * and doubled slashes, a leading slash dropped.
     */
    public static DockerIgnore parse(String text) {
        List<String> list = new ArrayList<>();
        boolean exceptions = false;
        for (String raw : text.split("\n", -1)) {
            if (raw.startsWith("#")) {
                continue;
            }
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            boolean invert = line.charAt(0) == '!';
            if (invert) {
                line = line.substring(1).strip();
                exceptions = true;
            }
            String cleaned = clean(line);
            list.add(invert ? "!" + cleaned : cleaned);
        }
        return new DockerIgnore(list, exceptions);
    }

    /** The patterns as read, exceptions with their {@code !}. */
    public List<String> patterns() {
        return patterns;
    }

    /** Whether some pattern is an exception ({@code !…}), which limits what can be excluded from a copy. */
    public boolean hasExceptions() {
        return hasExceptions;
    }

    /**
     * Ant exclusion patterns for a copy made from the directory that holds the context at {@code contextPath}
     * (relative, {@code .} or empty for that directory itself): each certainly-ignored pattern {@code P} as
     * {@code P} and {@code P/**}, so a directory goes with everything in it.
     */
    public List<String> antExcludes(String contextPath) {
        String prefix = prefix(contextPath);
        int start = 0;
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).startsWith("!")) {
                start = i + 1;
            }
        }
        List<String> out = new ArrayList<>();
        for (String p : patterns.subList(start, patterns.size())) {
            if (!translatable(p)) {
                continue;
            }
            String base = prefix + p;
            out.add(base);
            out.add(base + "/**");
        }
        return out;
    }

    /** Whether the pattern means the same to Ant as to BuildKit, and survives Ant's comma-or-space split. */
    static boolean translatable(String pattern) {
        if (pattern.isEmpty() || pattern.equals(".") || pattern.startsWith("..")) {
            return false;
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '[' || c == ']' || c == '\\' || c == ',' || Character.isWhitespace(c) || c < 0x20) {
                return false;
            }
        }
        for (String segment : pattern.split("/")) {
            if (segment.contains("**") && !segment.equals("**")) {
                return false;
            }
        }
        return true;
    }

    private static String prefix(String contextPath) {
        String c = contextPath == null ? "" : clean(contextPath.replace('\\', '/'));
        return c.isEmpty() || c.equals(".") ? "" : c + "/";
    }

    /** Go's {@code filepath.Clean} on a slash path, with a leading slash dropped as BuildKit does. */
    static String clean(String path) {
        boolean rooted = path.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                } else if (!rooted) {
                    out.add(segment);
                }
                continue;
            }
            out.add(segment);
        }
        String joined = String.join("/", out);
        return joined.isEmpty() ? (rooted ? "" : ".") : joined;
    }
}
