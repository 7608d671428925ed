package io.multiarch.request;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The paths of a request checked where the build will run: the context (inside the workspace, when there is one),
 * the Dockerfile and the files of build secrets, through a {@link PathProbe}; environment secrets against the
 * environment buildx will have. Values of secrets are never read.
 */
final class BuildPaths {
    private final String workspace;
    private final PathProbe probe;

    /** {@code workspace} null: relative paths are taken from this JVM's working directory. */
    BuildPaths(String workspace, PathProbe probe) {
        this.workspace = workspace;
        this.probe = probe;
    }

    /** The context as an absolute path on the building machine, or null (with a violation) when it is not there. */
    Path context(List<Violation> v, String context) {
        Path dir;
        if (workspace == null) {
            dir = Path.of(context).toAbsolutePath().normalize();
        } else {
            Path base = Path.of(workspace).normalize();
            dir = base.resolve(context).normalize();
            if (!dir.startsWith(base)) {
                v.add(new Violation("context", context, "leaves the workspace " + base));
                return null;
            }
        }
        if (!exists(v, "context", context, dir, true)) {
            v.add(new Violation("context", context, "is not an existing directory"
                    + (workspace == null ? "" : " in the workspace " + workspace)));
            return null;
        }
        return dir;
    }

    /**
     * The Dockerfile, relative to the context unless absolute; not checked when {@code unused} (every variant names
     * its own).
     */
    Path dockerfile(List<Violation> v, String dockerfile, Path contextDir, boolean unused) {
        Path p = Path.of(dockerfile);
        Path resolved = (p.isAbsolute() ? p : contextDir.resolve(p)).normalize();
        if (unused) {
            return resolved;
        }
        if (!exists(v, "dockerfile", dockerfile, resolved, false)) {
            v.add(new Violation("dockerfile", dockerfile, "no such file" + (p.isAbsolute() ? "" : " in the context " + contextDir)));
            return null;
        }
        return resolved;
    }

    /**
     * Each secret parsed, its id unique, its file present on the building machine (a relative path is taken from
     * the workspace, or this JVM's working directory) and its variable set in {@code env}.
     */
    List<BuildSecret> secrets(List<Violation> v, List<String> specs, Map<String, String> env) {
        List<BuildSecret> list = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String field = "secrets[" + i + "]";
            BuildSecret s = RawValues.parse(v, field, specs.get(i), BuildSecret::parse);
            if (s == null) {
                continue;
            }
            if (list.stream().anyMatch(o -> o.id().equals(s.id()))) {
                v.add(new Violation(field, specs.get(i), "the id '" + s.id() + "' is given twice"));
                continue;
            }
            if (s.kind() == BuildSecret.Kind.ENV) {
                if (env.get(s.source()) == null) {
                    v.add(new Violation(field, specs.get(i), "the environment variable " + s.source() + " is not set"));
                    continue;
                }
                list.add(s);
                continue;
            }
            Path p = Path.of(s.source());
            Path resolved = (p.isAbsolute() ? p : (workspace == null ? Path.of("").toAbsolutePath() : Path.of(workspace))
                    .resolve(p)).normalize();
            if (!exists(v, field, specs.get(i), resolved, false)) {
                v.add(new Violation(field, specs.get(i), "no such file: " + resolved));
                continue;
            }
            list.add(BuildSecret.file(s.id(), resolved.toString()));
        }
        return list;
    }

    private boolean exists(List<Violation> v, String field, String value, Path path, boolean directory) {
        try {
            return directory ? probe.isDirectory(path.toString()) : probe.isRegularFile(path.toString());
        } catch (IOException e) {
            v.add(new Violation(field, value, "cannot be checked: " + e.getMessage()));
            return true; // reported above; not also "missing"
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            v.add(new Violation(field, value, "the check was interrupted"));
            return true;
        }
    }
}
