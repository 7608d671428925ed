package io.jenkins.plugins.multiarch.contract;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The contract between {@code MultiArchImagePipeline.groovy} and the Java steps it calls: the keys of every map a
 * step hands to the script, defined once. The steps build their answers with {@link #answer}, and a test reads the
 * script and checks that it reads exactly the keys marked {@link Key#script()} of each map, and no other.
 * Plain Java without Jenkins types, so that the Jenkins-free wiring tests compile it too.
 */
public final class Wiring {
    private Wiring() {
    }

    /** A key of one of the maps; {@link #script()} says whether the wiring script reads it. */
    public interface Key {
        String name();

        boolean script();
    }

    /**
     * What {@code multiArchPlan} answers: the run, the stash, the stages to fan out to ({@link #platforms}: each
     * variant × platform) and the records to gate and publish ({@link #runs}: one, or one per variant).
     */
    public enum Plan implements Key {
        /** The call's run id; the stages and gates use each record's own ({@link PlanPlatform#plan}, {@link PlanRun#id}). */
        id(false), image(true), failFast(true), stash(true), stashIncludes(true), stashExcludes(true), workDir(true),
        publishLabel(true), junit(true), platforms(true), runs(true);

        private final boolean script;

        Plan(boolean script) {
            this.script = script;
        }

        @Override
        public boolean script() {
            return script;
        }
    }

    /**
     * One entry of {@link Plan#platforms}: a platform's stage, its name ({@code linux/arm64}, or with variants
     * {@code alpine linux/arm64}), and the record ({@link PlanRun#id}) it reports to.
     */
    public enum PlanPlatform implements Key {
        platform, label, plan, stage;

        @Override
        public boolean script() {
            return true;
        }
    }

    /**
     * One entry of {@link Plan#runs}: a record gated and published on its own, the call's or a variant's
     * ({@code variant} is {@code ""} without variants), and the name of its publish stage.
     */
    public enum PlanRun implements Key {
        id, variant, publishStage;

        @Override
        public boolean script() {
            return true;
        }
    }

    /** What {@code multiArchAwaitAgent} answers before a platform's stage asks for its agent. */
    public enum Await implements Key {
        ready, message;

        @Override
        public boolean script() {
            return true;
        }
    }

    /**
     * What {@code multiArchPlatform} and {@code multiArchPlatformFailed} answer for one platform; the script reads
     * the JUnit file only (whether the stage fails is {@link Gate}'s answer), and hands the whole map to the user in
     * {@code result.platforms}.
     */
    public enum PlatformAnswer implements Key {
        platform(false), status(false), required(false), emulated(false), digest(false), agent(false), message(false),
        junitFile(true);

        private final boolean script;

        PlatformAnswer(boolean script) {
            this.script = script;
        }

        @Override
        public boolean script() {
            return script;
        }
    }

    /**
     * What {@code multiArchGate} answers: for a record, after every platform's stage, publish or not and why not; for
     * one platform ({@code platform:}), right after its stage, whether it lets the publish go ahead (not a required
     * platform that did not pass) and otherwise the message its stage fails with.
     */
    public enum Gate implements Key {
        publish, message;

        @Override
        public boolean script() {
            return true;
        }
    }

    /** What {@code multiArchPublish} answers; the script hands it to the user in the call's result. */
    public enum Published implements Key {
        published, indexDigest, tags, platforms;

        @Override
        public boolean script() {
            return true;
        }
    }

    /** The status of a platform that passed, in {@link PlatformAnswer#status}. */
    public static final String PASSED = "PASSED";

    /** Starts a step's answer of the given kind. */
    public static <K extends Enum<K> & Key> Answer<K> answer(Class<K> type) {
        return new Answer<>();
    }

    /** A step's answer: a map whose keys can only be the constants of one key type, in the order put. */
    public static final class Answer<K extends Enum<K> & Key> {
        private final Map<String, Object> map = new LinkedHashMap<>();

        private Answer() {
        }

        public Answer<K> put(K key, Object value) {
            map.put(key.name(), value);
            return this;
        }

        /** The map the script receives (serializable: the values must be too). */
        public LinkedHashMap<String, Object> toMap() {
            return new LinkedHashMap<>(map);
        }
    }

    /** The names of the keys of {@code type} that the script reads. */
    public static <K extends Enum<K> & Key> Set<String> scriptKeys(Class<K> type) {
        return Arrays.stream(type.getEnumConstants()).filter(Key::script).map(Enum::name)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
