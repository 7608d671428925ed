package io.jenkins.plugins.multiarch.wiring;

import groovy.lang.Closure;
import io.jenkins.plugins.multiarch.contract.Wiring;
import org.jenkinsci.plugins.workflow.cps.CpsScript;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Pipeline script stand-in that records every step the wiring calls, with the stage and node it is called in.
 * {@code parallel} runs branches one after the other; with fail-fast, the first failing branch stops the rest, as
 * Pipeline's parallel aborts them. Steps answer with the keys of {@link Wiring}, as the Java steps do; the gate
 * (a record's, and a platform's) decides from what the platform steps answered, as {@code multiArchGate} decides
 * from the build's record.
 */
public class RecordingScript extends CpsScript {
    /** What {@code error} throws, as Pipeline's error step throws an AbortException. */
    public static final class ErrorStep extends RuntimeException {
        ErrorStep(String message) {
            super(message);
        }
    }

    /** A step that failed for another reason than a platform's verdict, e.g. credentials or an unstash. */
    public static final class InfrastructureFailure extends RuntimeException {
        InfrastructureFailure(String message) {
            super(message);
        }
    }

    final List<String> events = new ArrayList<>();
    final Map<String, Object> plan;
    final Set<String> optional = new LinkedHashSet<>();
    final Map<String, Map<String, Object>> platformAnswers = new LinkedHashMap<>();
    /** Node labels whose unstash fails. */
    final List<String> unstashFailsOn = new ArrayList<>();
    /** Platforms for which no agent turns up in time. */
    final Set<String> noAgentFor = new LinkedHashSet<>();
    /** Platforms whose step is interrupted, with the exception the node block gets. */
    final Map<String, FlowInterruptedException> interruptedIn = new LinkedHashMap<>();
    /** Platforms (keys as in {@link #recorded}) whose gate refuses whatever they answered. */
    final Set<String> gateRefuses = new LinkedHashSet<>();
    /** What each platform reported, as the build's record holds it. */
    final Map<String, Map<String, Object>> recorded = new LinkedHashMap<>();
    Map<String, Object> planArgs;
    Object parallelFailFast;
    List<String> parallelBranches;

    private String stage = "";
    private String node = "<none>";

    RecordingScript(Map<String, Object> plan, String... optionalPlatforms) {
        this.plan = plan;
        this.optional.addAll(List.of(optionalPlatforms));
    }

    @Override
    public Object run() {
        return null;
    }

    private void record(String event) {
        events.add(event + " [stage=" + stage + ", node=" + node + "]");
    }

    /** The platforms of one record (the call's, or a variant's), as {@code plan-id platform} keys. */
    @SuppressWarnings("unchecked")
    private List<String> planned(Object planId) {
        List<String> list = new ArrayList<>();
        for (Object e : (List<Object>) plan.get(Wiring.Plan.platforms.name())) {
            Map<String, Object> entry = (Map<String, Object>) e;
            if (String.valueOf(planId).equals(String.valueOf(entry.get(Wiring.PlanPlatform.plan.name())))) {
                list.add(key(planId, entry.get(Wiring.PlanPlatform.platform.name())));
            }
        }
        return list;
    }

    /**
     * A platform's key in {@link #platformAnswers} and {@link #recorded}: the platform alone for the usual plan's id,
     * {@code plan-id platform} for a variant's.
     */
    private String key(Object planId, Object platform) {
        Object usual = plan.get(Wiring.Plan.id.name());
        return String.valueOf(planId).equals(String.valueOf(usual)) ? String.valueOf(platform) : planId + " " + platform;
    }

    public Object multiArchPlan(Map<String, Object> args) {
        planArgs = args;
        record("multiArchPlan");
        return plan;
    }

    public Object multiArchAwaitAgent(Map<String, Object> args) {
        String p = String.valueOf(args.get("platform"));
        record("multiArchAwaitAgent " + p);
        boolean ready = !noAgentFor.contains(p);
        return Wiring.answer(Wiring.Await.class).put(Wiring.Await.ready, ready)
                .put(Wiring.Await.message, ready ? "" : "no online agent had an executor within 10 minute(s)").toMap();
    }

    public Object multiArchPlatform(Map<String, Object> args) throws FlowInterruptedException {
        String p = String.valueOf(args.get("platform"));
        record("multiArchPlatform " + p + " plan=" + args.get("plan"));
        if (interruptedIn.containsKey(p)) {
            throw interruptedIn.get(p);
        }
        Map<String, Object> answer = answer(p, "PASSED", "sha256:" + p.replace('/', '-'), "");
        answer.putAll(platformAnswers.getOrDefault(key(args.get("plan"), p), Map.of()));
        recorded.put(key(args.get("plan"), p), answer);
        return answer;
    }

    public Object multiArchPlatformFailed(Map<String, Object> args) {
        String p = String.valueOf(args.get("platform"));
        record("multiArchPlatformFailed " + p + ": " + args.get("message"));
        Map<String, Object> answer = answer(p, "FAILED", "", String.valueOf(args.get("message")));
        recorded.put(key(args.get("plan"), p), answer);
        return answer;
    }

    private Map<String, Object> answer(String p, String status, String digest, String message) {
        return Wiring.answer(Wiring.PlatformAnswer.class)
                .put(Wiring.PlatformAnswer.platform, p)
                .put(Wiring.PlatformAnswer.status, status)
                .put(Wiring.PlatformAnswer.required, !optional.contains(p))
                .put(Wiring.PlatformAnswer.emulated, false)
                .put(Wiring.PlatformAnswer.digest, digest)
                .put(Wiring.PlatformAnswer.agent, node)
                .put(Wiring.PlatformAnswer.message, message)
                .put(Wiring.PlatformAnswer.junitFile, "")
                .toMap();
    }

    public Object multiArchGate(Map<String, Object> args) {
        if (args.get("platform") != null) {
            return platformGate(args.get("plan"), String.valueOf(args.get("platform")));
        }
        record("multiArchGate plan=" + args.get("plan"));
        List<String> blockers = new ArrayList<>();
        for (String p : planned(args.get("plan"))) {
            Map<String, Object> r = recorded.get(p);
            if (!optional.contains(p) && (r == null || !Wiring.PASSED.equals(r.get(Wiring.PlatformAnswer.status.name())))) {
                blockers.add(p);
            }
        }
        return Wiring.answer(Wiring.Gate.class).put(Wiring.Gate.publish, blockers.isEmpty())
                .put(Wiring.Gate.message, blockers.isEmpty() ? ""
                        : "Not published: required platform(s) " + String.join(", ", blockers) + " did not pass; no tag was created or moved.")
                .toMap();
    }

    /** {@code multiArchGate(plan:, platform:)}: whether a platform lets the publish go ahead, from what it reported. */
    private Object platformGate(Object planId, String p) {
        record("multiArchGate platform=" + p + " plan=" + planId);
        String key = key(planId, p);
        Map<String, Object> r = recorded.get(key);
        boolean blocks = gateRefuses.contains(key) || !optional.contains(p)
                && (r == null || !Wiring.PASSED.equals(r.get(Wiring.PlatformAnswer.status.name())));
        return Wiring.answer(Wiring.Gate.class).put(Wiring.Gate.publish, !blocks)
                .put(Wiring.Gate.message, blocks ? stageOf(planId, p) + ": "
                        + (r == null ? "did not report" : r.get(Wiring.PlatformAnswer.message.name())) : "")
                .toMap();
    }

    /** The stage name the plan gave a platform of one record. */
    @SuppressWarnings("unchecked")
    private String stageOf(Object planId, String platform) {
        for (Object e : (List<Object>) plan.get(Wiring.Plan.platforms.name())) {
            Map<String, Object> entry = (Map<String, Object>) e;
            if (String.valueOf(planId).equals(String.valueOf(entry.get(Wiring.PlanPlatform.plan.name())))
                    && platform.equals(entry.get(Wiring.PlanPlatform.platform.name()))) {
                return String.valueOf(entry.get(Wiring.PlanPlatform.stage.name()));
            }
        }
        throw new IllegalArgumentException(platform + " is not planned in " + planId);
    }

    public Object multiArchPublish(Map<String, Object> args) {
        record("multiArchPublish plan=" + args.get("plan"));
        return Wiring.answer(Wiring.Published.class).put(Wiring.Published.published, true)
                .put(Wiring.Published.indexDigest, "sha256:index").put(Wiring.Published.tags, List.of("1.0", "latest"))
                .put(Wiring.Published.platforms, List.of()).toMap();
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
        record("node");
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

    public Object parallel(Map<String, Object> branches) throws Exception {
        Map<String, Object> copy = new LinkedHashMap<>(branches);
        parallelFailFast = copy.remove("failFast");
        parallelBranches = new ArrayList<>(copy.keySet());
        record("parallel " + parallelBranches + " failFast=" + parallelFailFast);
        Exception first = null;
        for (Map.Entry<String, Object> e : copy.entrySet()) {
            if (first != null && Boolean.TRUE.equals(parallelFailFast)) {
                record("parallel aborted " + e.getKey());
                continue;
            }
            try {
                ((Closure<?>) e.getValue()).call();
            } catch (Exception x) {
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
