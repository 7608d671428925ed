package io.jenkins.plugins.multiarch;

import io.multiarch.report.Formats;
import io.multiarch.result.ImageSize;
import io.multiarch.result.Status;

import java.util.OptionalLong;

/**
 * How the build page writes one platform's {@link PlatformRecord}: every size, digest and duration through the
 * engine's {@link Formats}, so the page says what report.html and the console table say ({@code 6.8 MiB},
 * {@code sha256:0123456789ab}, {@code 12.5 s}, {@code -} for what is unknown). Not stored: made from the record for
 * each page.
 */
public final class PlatformView {
    private final PlatformRecord record;

    PlatformView(PlatformRecord record) {
        this.record = record;
    }

    /** Status mark: blue passed, red a required failure, yellow an optional one, grey skipped. */
    public String getStatusIcon() {
        if (record.isPassed()) {
            return "symbol-status-blue";
        }
        if (Status.FAILED.name().equals(record.getStatus())) {
            return record.isRequired() ? "symbol-status-red" : "symbol-status-yellow";
        }
        return "symbol-status-nobuilt";
    }

    public String getMode() {
        return record.isEmulated() ? Messages.PlatformRecord_emulated() : Messages.PlatformRecord_native();
    }

    public String getBinfmtTime() {
        return seconds(record.getBinfmtSeconds());
    }

    public String getBuildTime() {
        return seconds(record.getBuildSeconds());
    }

    public String getPushTime() {
        return seconds(record.getPushSeconds());
    }

    /** The test's duration, {@code -} without a test. */
    public String getTestTime() {
        return record.isTested() ? seconds(record.getTestSeconds()) : "-";
    }

    /**
     * The size: {@code 12.3 MiB}, {@code -} when unknown. Not {@code getSize}: {@code size} is a keyword of the
     * expression language of Jelly views, where {@code v.size} does not parse.
     */
    public String getSizeText() {
        return Formats.size(record.getSizeBytes());
    }

    /** {@code +1.2 KiB vs 1.0}: the change against the same platform in the tag's previous index; {@code -} when unknown. */
    public String getSizeChangeText() {
        OptionalLong change = record.size().change();
        return change.isPresent() ? Messages.PlatformRecord_sizeChange(Formats.sizeChange(change.getAsLong()),
                record.size().previousTag()) : "-";
    }

    /**
     * The verdict of the size budget: within it (and by how much), over it (failed, or a warning only), or not
     * checked because the size could not be read; {@code -} without a budget.
     */
    public String getBudgetVerdict() {
        ImageSize size = record.size();
        if (!size.hasBudget()) {
            return "-";
        }
        String budget = Formats.size(size.budgetBytes());
        if (!size.known()) {
            return Messages.PlatformRecord_budgetUnknown(budget);
        }
        if (!size.overBudget()) {
            return Messages.PlatformRecord_budgetWithin(budget, Formats.size(size.budgetBytes() - size.bytes()));
        }
        String over = Formats.size(size.bytes() - size.budgetBytes());
        return size.budgetWarnOnly() ? Messages.PlatformRecord_budgetOverWarning(budget, over)
                : Messages.PlatformRecord_budgetOverFailed(budget, over);
    }

    /** {@code sha256:} and the first twelve hex digits, as {@code docker images} shows them; {@code -} without a digest. */
    public String getShortDigest() {
        return Formats.shortDigest(record.getDigest());
    }

    /** Seconds with one decimal and their unit, as report.html's totals: {@code 12.5 s}. */
    static String seconds(double s) {
        return Formats.seconds(s) + " s";
    }
}
