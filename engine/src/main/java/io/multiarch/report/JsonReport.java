package io.multiarch.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.multiarch.result.ImageSize;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.TagState;
import io.multiarch.result.TestOutcome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code report.json}, the machine-readable contract of a run that the CLI and scripts read: the field names
 * and types are fixed here, apart from the result records, so renaming a record component cannot break consumers.
 * {@code indexDigest} is {@code ""} unless the index was published; {@code test} is {@code null} when no test ran.
 * Seconds are rounded to the millisecond. {@code timeline} (only when asked for, {@code --timeline}) lists the
 * run's phases, each with {@code phase}, {@code start} and {@code end} in seconds from the start of the process.
 */
public final class JsonReport {
    /** The file name within the report directory. */
    public static final String FILE_NAME = "report.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** Writes {@value #FILE_NAME} into {@code dir} (created if needed) and returns its path. */
    public Path write(RunResult run, Path dir) throws IOException {
        return write(run, dir, java.util.List.of());
    }

    /** {@link #write(RunResult, Path)} with the run's timeline, when not empty. */
    public Path write(RunResult run, Path dir, java.util.List<io.multiarch.timeline.Timeline.Span> timeline) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        ObjectNode root = tree(run);
        if (!timeline.isEmpty()) {
            ArrayNode spans = root.putArray("timeline");
            for (io.multiarch.timeline.Timeline.Span s : timeline) {
                ObjectNode span = spans.addObject();
                span.put("phase", Text.orEmpty(s.phase()));
                span.put("start", seconds(s.start()));
                span.put("end", seconds(s.end()));
            }
        }
        MAPPER.writeValue(file.toFile(), root);
        return file;
    }

    /** The report as a JSON tree, for callers that embed it or print it. */
    public ObjectNode tree(RunResult run) {
        PublishResult publish = run.publish();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("runId", Text.orEmpty(run.runId()));
        root.put("image", Text.orEmpty(run.image()));
        ArrayNode tags = root.putArray("tags");
        run.tags().forEach(tags::add);
        root.put("published", publish.published());
        root.put("interrupted", Text.orEmpty(run.interrupted()));
        root.put("indexDigest", publish.published() ? Text.orEmpty(publish.indexDigest()) : "");
        root.put("publishMessage", Text.orEmpty(publish.message()));
        root.put("publishSeconds", seconds(publish.seconds()));
        root.put("tagsLeftChanged", publish.tagsLeftChanged());
        ArrayNode tagStates = root.putArray("tagStates"); // each tag before and after the publish, read back
        for (TagState t : publish.tagStates()) {
            ObjectNode state = tagStates.addObject();
            state.put("tag", t.tag());
            state.put("before", t.before());
            state.put("after", t.after());
            state.put("note", t.note());
            state.put("unrestored", t.unrestored());
        }
        ArrayNode listed = root.putArray("listedPlatforms"); // what the registry's index lists, read back
        publish.listed().forEach(p -> listed.add(p.toString()));
        ArrayNode leftovers = root.putArray("leftovers");
        publish.leftovers().forEach(leftovers::add);
        root.put("toolchain", Text.orEmpty(run.toolchain()));
        root.put("totalSeconds", seconds(run.totalSeconds()));
        ArrayNode platforms = root.putArray("platforms");
        run.platforms().forEach(p -> platforms.add(platform(run, p)));
        return root;
    }

    /**
     * Writes a matrix build's {@value #FILE_NAME}: {@code {published, allOrNothing, interrupted, totalSeconds,
     * tagsLeftChanged, variants: [{variant, tagSuffix, …every field of a run's report…}]}}.
     */
    public Path write(io.multiarch.result.MatrixResult matrix, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        MAPPER.writeValue(file.toFile(), tree(matrix));
        return file;
    }

    public ObjectNode tree(io.multiarch.result.MatrixResult matrix) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("published", matrix.published());
        root.put("allOrNothing", matrix.allOrNothing());
        root.put("interrupted", Text.orEmpty(matrix.interrupted()));
        root.put("totalSeconds", seconds(matrix.totalSeconds()));
        root.put("tagsLeftChanged", matrix.tagsLeftChanged());
        ArrayNode variants = root.putArray("variants");
        for (io.multiarch.result.VariantResult v : matrix.variants()) {
            ObjectNode node = variants.addObject();
            node.put("variant", v.name());
            node.put("tagSuffix", v.tagSuffix());
            node.setAll(tree(v.run()));
        }
        return root;
    }

    /** Seconds to the millisecond: {@code 10.9}, not the {@code 10.899999999999999} a sum of doubles gives. */
    static double seconds(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** The size, its change against the tag's previous index, the budget and the biggest layers; nulls for "none". */
    private static ObjectNode size(ImageSize size) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("bytes", size.bytes());
        node.put("previousTag", size.previousTag());
        if (size.previousBytes() >= 0) {
            node.put("previousBytes", size.previousBytes());
        } else {
            node.putNull("previousBytes");
        }
        if (size.change().isPresent()) {
            node.put("changeBytes", size.change().getAsLong());
        } else {
            node.putNull("changeBytes");
        }
        if (size.hasBudget()) {
            node.put("budgetBytes", size.budgetBytes());
        } else {
            node.putNull("budgetBytes");
        }
        node.put("overBudget", size.overBudget());
        node.put("budgetWarnOnly", size.budgetWarnOnly());
        ArrayNode layers = node.putArray("biggestLayers");
        for (ImageSize.Layer l : size.biggestLayers()) {
            ObjectNode layer = layers.addObject();
            layer.put("digest", Text.orEmpty(l.digest()));
            layer.put("bytes", l.bytes());
            layer.put("createdBy", Text.orEmpty(l.createdBy()));
        }
        return node;
    }

    private static ObjectNode platform(RunResult run, PlatformResult p) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("platform", p.platform().toString());
        node.put("status", p.status().label());
        node.put("required", p.required());
        node.put("digest", Text.orEmpty(p.digest()));
        node.put("emulated", p.emulated());
        node.put("agent", Text.orEmpty(p.agent()));
        node.put("attempts", p.attempts());
        node.put("binfmtSeconds", seconds(p.binfmtSeconds()));
        node.put("buildSeconds", seconds(p.buildSeconds()));
        node.put("pushSeconds", seconds(p.pushSeconds()));
        node.put("testSeconds", seconds(p.testSeconds()));
        node.put("sizeBytes", p.sizeBytes());
        node.set("size", size(p.size()));
        ArrayNode timeline = node.putArray("timeline"); // on the run's clock, seconds since it started
        for (io.multiarch.result.Phase phase : run.phasesOf(p.platform())) {
            ObjectNode x = timeline.addObject();
            x.put("phase", phase.name());
            x.put("start", seconds(phase.start()));
            x.put("end", seconds(phase.end()));
        }
        java.util.OptionalDouble factor = run.emulationFactor(p);
        if (factor.isPresent()) {
            node.put("emulationFactor", Math.round(factor.getAsDouble() * 100) / 100.0);
        } else {
            node.putNull("emulationFactor");
        }
        node.put("tempTag", Text.orEmpty(p.tempTag()));
        node.put("message", Text.orEmpty(p.message()));
        if (p.test().isPresent()) {
            TestOutcome t = p.test().get();
            ObjectNode test = node.putObject("test");
            test.put("command", Text.orEmpty(t.command()));
            test.put("exitCode", t.exitCode());
            test.put("timedOut", t.timedOut());
            test.put("seconds", seconds(t.seconds()));
            if (t.signal().isPresent()) {
                test.put("signal", t.signal().get());
            } else {
                test.putNull("signal");
            }
            test.put("output", Text.orEmpty(t.output()));
        } else {
            node.putNull("test");
        }
        return node;
    }
}
