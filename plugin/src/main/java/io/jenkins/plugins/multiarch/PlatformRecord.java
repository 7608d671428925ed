package io.jenkins.plugins.multiarch;

import io.jenkins.plugins.multiarch.contract.Wiring;
import io.multiarch.platform.Platform;
import io.multiarch.result.ImageSize;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.Status;
import io.multiarch.result.TestOutcome;

import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;

/**
 * One platform's {@link PlatformResult} as the build stores it: plain fields, so that XStream writes it into
 * {@code build.xml} and Jelly pages read it through getters. {@link #toResult()} gives the engine's value back for
 * the publish.
 */
public final class PlatformRecord implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * How much of a test's output the build keeps (its tail): the stage's log has all of it, and the build's XML
     * is read whole whenever the build is loaded.
     */
    static final int MAX_TEST_OUTPUT = 16 * 1024;

    private String platform;
    private boolean required;
    private String status;
    private String digest;
    private boolean emulated;
    private String agent;
    private int attempts;
    private double binfmtSeconds;
    private double buildSeconds;
    private double pushSeconds;
    private long sizeBytes;
    /** The same platform's size in the index the tag served before, or null when there was none to compare with. */
    private Long previousSizeBytes;
    private String previousTag;
    private long budgetBytes;
    private boolean budgetWarnOnly;
    private java.util.List<LayerRecord> biggestLayers;
    /** The stage's phases on the plan's clock, for the timeline; null when not recorded. */
    private java.util.List<PhaseRecord> phases;
    private String tempTag;
    private String testCommand;
    private int testExitCode;
    private boolean testTimedOut;
    private double testSeconds;
    private String testOutput;
    private String message;

    static PlatformRecord of(PlatformResult r) {
        PlatformRecord p = new PlatformRecord();
        p.platform = r.platform().toString();
        p.required = r.required();
        p.status = r.status().name();
        p.digest = r.digest();
        p.emulated = r.emulated();
        p.agent = r.agent();
        p.attempts = r.attempts();
        p.binfmtSeconds = r.binfmtSeconds();
        p.buildSeconds = r.buildSeconds();
        p.pushSeconds = r.pushSeconds();
        p.sizeBytes = r.sizeBytes();
        ImageSize size = r.size();
        p.previousSizeBytes = size.previousBytes() >= 0 ? size.previousBytes() : null;
        p.previousTag = size.previousTag().isEmpty() ? null : size.previousTag();
        p.budgetBytes = size.budgetBytes();
        p.budgetWarnOnly = size.budgetWarnOnly();
        p.biggestLayers = size.biggestLayers().isEmpty() ? null
                : new java.util.ArrayList<>(size.biggestLayers().stream().map(LayerRecord::of).toList());
        p.tempTag = r.tempTag();
        p.message = r.message();
        r.test().ifPresent(t -> {
            p.testCommand = t.command();
            p.testExitCode = t.exitCode();
            p.testTimedOut = t.timedOut();
            p.testSeconds = t.seconds();
            p.testOutput = tail(t.output());
        });
        return p;
    }

    /** With the stage's phases, for the timeline. */
    static PlatformRecord of(PlatformResult r, java.util.List<io.multiarch.result.Phase> phases) {
        PlatformRecord p = of(r);
        p.phases = phases == null || phases.isEmpty() ? null : new java.util.ArrayList<>(phases.stream().map(PhaseRecord::of).toList());
        return p;
    }

    /** The stage's phases on the plan's clock, empty when not recorded. */
    java.util.List<io.multiarch.result.Phase> phases() {
        return phases == null ? java.util.List.of() : phases.stream().map(PhaseRecord::toPhase).toList();
    }

    /** A platform whose stage never reported (stopped by fail-fast, aborted, or its agent was lost). */
    static PlatformRecord missing(String platform, boolean required, boolean emulated, String message) {
        return of(PlatformResult.skipped(Platform.parse(platform), required, emulated, message));
    }

    PlatformResult toResult() {
        Optional<TestOutcome> test = testCommand == null ? Optional.empty()
                : Optional.of(new TestOutcome(testCommand, testExitCode, testTimedOut, testSeconds, nz(testOutput)));
        return new PlatformResult(Platform.parse(platform), required, Status.valueOf(status), nz(digest), emulated,
                nz(agent), attempts, binfmtSeconds, buildSeconds, pushSeconds, size(), nz(tempTag), test, nz(message));
    }

    /** The engine's view of the size: what the page's verdict and change are computed from. */
    ImageSize size() {
        return new ImageSize(sizeBytes, previousSizeBytes == null ? -1 : previousSizeBytes, nz(previousTag), budgetBytes,
                budgetWarnOnly, getBiggestLayers().stream().map(LayerRecord::toLayer).toList());
    }

    /** The last {@link #MAX_TEST_OUTPUT} characters, with a first line saying how much was left out. */
    static String tail(String output) {
        if (output == null || output.length() <= MAX_TEST_OUTPUT) {
            return output;
        }
        int cut = output.length() - MAX_TEST_OUTPUT;
        if (Character.isLowSurrogate(output.charAt(cut))) {
            cut++;
        }
        return Messages.PlatformRecord_outputCut(cut) + "\n" + output.substring(cut);
    }

    /** The answer of {@code multiArchPlatform} to the wiring and, in the call's result, to the user. */
    java.util.LinkedHashMap<String, Object> toAnswer(String junitFile) {
        return Wiring.answer(Wiring.PlatformAnswer.class)
                .put(Wiring.PlatformAnswer.platform, platform)
                .put(Wiring.PlatformAnswer.status, status)
                .put(Wiring.PlatformAnswer.required, required)
                .put(Wiring.PlatformAnswer.emulated, emulated)
                .put(Wiring.PlatformAnswer.digest, getDigest())
                .put(Wiring.PlatformAnswer.agent, getAgent())
                .put(Wiring.PlatformAnswer.message, getMessage())
                .put(Wiring.PlatformAnswer.junitFile, junitFile)
                .toMap();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    public String getPlatform() {
        return platform;
    }

    public boolean isRequired() {
        return required;
    }

    public String getStatus() {
        return status;
    }

    /** {@code passed}, {@code failed} or {@code skipped}. */
    public String getStatusLabel() {
        return status.toLowerCase(Locale.ROOT);
    }

    public boolean isPassed() {
        return Status.PASSED.name().equals(status);
    }

    public String getDigest() {
        return nz(digest);
    }

    public boolean isEmulated() {
        return emulated;
    }

    public String getAgent() {
        return nz(agent);
    }

    public int getAttempts() {
        return attempts;
    }

    public double getBinfmtSeconds() {
        return binfmtSeconds;
    }

    public double getBuildSeconds() {
        return buildSeconds;
    }

    public double getPushSeconds() {
        return pushSeconds;
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public boolean isHasBudget() {
        return budgetBytes > 0;
    }

    public long getBudgetBytes() {
        return budgetBytes;
    }

    public boolean isOverBudget() {
        return size().overBudget();
    }

    /** The biggest layers, biggest first, with the build step that made each. */
    public java.util.List<LayerRecord> getBiggestLayers() {
        return biggestLayers == null ? java.util.List.of() : java.util.List.copyOf(biggestLayers);
    }

    public boolean isTested() {
        return testCommand != null;
    }

    public String getTestCommand() {
        return nz(testCommand);
    }

    public int getTestExitCode() {
        return testExitCode;
    }

    public boolean isTestTimedOut() {
        return testTimedOut;
    }

    public boolean isTestPassed() {
        return testCommand != null && testExitCode == 0 && !testTimedOut;
    }

    public double getTestSeconds() {
        return testSeconds;
    }

    public String getTestOutput() {
        return nz(testOutput);
    }

    public String getMessage() {
        return nz(message);
    }

    /** {@code linux-arm-v7}: for anchors. */
    public String getSlug() {
        return platform.replaceAll("[^A-Za-z0-9]+", "-");
    }

    /** How the build page writes this platform's values: the engine's formats, as report.html. */
    public PlatformView getView() {
        return new PlatformView(this);
    }
}
