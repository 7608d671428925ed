package io.jenkins.plugins.multiarch.wiring;

import groovy.lang.Closure;
import org.jenkinsci.plugins.workflow.cps.CpsScript;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Pipeline script stand-in that records every step the wiring calls, with the stage and node it is called in.
 * {@code parallel} runs branches one after the other; with fail-fast, the first failing branch stops the rest, as
 * Pipeline's parallel aborts them. Steps answer what the test set up.
 */
public class RecordingScript extends CpsScript {
    /** What {@code error} throws, as Pipeline's error step throws an AbortException. */
    public static final class ErrorStep extends RuntimeException {
        ErrorStep(String message) {
            super(message);
        }
    }

    /** A step that failed for another reason than a platform's verdict, e.g. an agent went away. */
    public static final class InfrastructureFailure extends RuntimeException {
        InfrastructureFailure(String message) {
            super(message);
        }
    }

    final List<String> events = new ArrayList<>();
    final Map<String, Object> plan;
    final Map<String, Map<String, Object>> platformAnswers = new LinkedHashMap<>();
    final List<String> unstashFailsOn = new ArrayList<>();
    Map<String, Object> planArgs;
    Object parallelFailFast;
    List<String> parallelBranches;

    private String stage = "";
    private String node = "<none>";

    RecordingScript(Map<String, Object> plan) {
        this.plan = plan;
    }

    @Override
    public Object run() {
        return null;
    }

    private void record(String event) {
        events.add(event + " [stage=" + stage + ", node=" + node + "]");
    }

    public Object multiArchPlan(Map<String, Object> args) {
        planArgs = args;
        record("multiArchPlan");
        return plan;
    }

    public Object multiArchPlatform(Map<String, Object> args) {
        String p = String.valueOf(args.get("platform"));
        record("multiArchPlatform " + p + " plan=" + args.get("plan"));
        Map<String, Object> answer = new LinkedHashMap<>(Map.of("platform", p, "status", "PASSED",
                "required", true, "digest", "sha256:" + p.replace('/', '-'), "message", "", "junitFile", ""));
        answer.putAll(platformAnswers.getOrDefault(p, Map.of()));
        return answer;
    }

    public Object multiArchPublish(Map<String, Object> args) {
        record("multiArchPublish plan=" + args.get("plan"));
        return Map.of("published", true, "indexDigest", "sha256:index", "tags", List.of("1.0", "latest"));
    }

    public void stash(Map<String, Object> args) {
        record("stash " + new java.util.TreeMap<>(args));
    }

    public void unstash(Object name) {
        record("unstash " + name);
        if (unstashFailsOn.contains(node)) {
            throw new InfrastructureFailure("agent " + node + " went away");
        }
    }

    public void junit(Map<String, Object> args) {
        record("junit " + new java.util.TreeMap<>(args));
    }

    public void deleteDir() {
        record("deleteDir");
    }

    public void error(String message) {
        record("error " + message);
        throw new ErrorStep(message);
    }

    public Object stage(String name, Closure<?> body) {
        String outer = stage;
        stage = name;
        record("stage start");
        try {
            return body.call();
        } finally {
            record("stage end");
            stage = outer;
        }
    }

    public Object node(String label, Closure<?> body) {
        String outer = node;
        node = label;
        try {
            return body.call();
        } finally {
            node = outer;
        }
    }

    public Object dir(String path, Closure<?> body) {
        record("dir " + path);
        return body.call();
    }

    public Object parallel(Map<String, Object> branches) {
        Map<String, Object> copy = new LinkedHashMap<>(branches);
        parallelFailFast = copy.remove("failFast");
        parallelBranches = new ArrayList<>(copy.keySet());
        record("parallel " + parallelBranches + " failFast=" + parallelFailFast);
        RuntimeException first = null;
        for (Map.Entry<String, Object> e : copy.entrySet()) {
            if (first != null && Boolean.TRUE.equals(parallelFailFast)) {
                record("parallel aborted " + e.getKey());
                continue;
            }
            try {
                ((Closure<?>) e.getValue()).call();
            } catch (RuntimeException x) {
                if (first == null) {
                    first = x;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return null;
    }
}
