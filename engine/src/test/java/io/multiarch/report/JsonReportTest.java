package io.multiarch.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class JsonReportTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheRunFieldsOfTheContract() throws IOException {
        // When
        Path file = new JsonReport().write(SampleRuns.withheld(), dir);

        // Then
        assertThat(file).isEqualTo(dir.resolve("report.json")).isRegularFile();
        JsonNode root = mapper.readTree(file.toFile());
        assertThat(root.get("runId").asText()).isEqualTo("r42");
        assertThat(root.get("image").asText()).isEqualTo("registry.example.com/team/app");
        assertThat(texts(root.get("tags"))).containsExactly("1.2.3", "latest");
        assertThat(root.get("published").isBoolean()).isTrue();
        assertThat(root.get("published").booleanValue()).isFalse();
        assertThat(root.get("indexDigest").isTextual()).isTrue();
        assertThat(root.get("indexDigest").asText()).isEmpty();
        assertThat(root.get("publishMessage").asText()).isEqualTo(SampleRuns.WITHHELD);
        assertThat(texts(root.get("leftovers"))).containsExactly(SampleRuns.LEFTOVER);
        assertThat(root.get("toolchain").asText()).isEqualTo("docker 27.3.1, buildx v0.17.1");
        assertThat(root.get("totalSeconds").doubleValue()).isEqualTo(301.5);
        assertThat(root.get("platforms")).hasSize(3);
        assertThat(root.get("platforms").findValuesAsText("platform"))
                .containsExactly("linux/amd64", "linux/arm64", "linux/arm/v7");
    }

    @Test
    void shouldWriteEachPlatformWithANullTestWhenNoneRan() throws IOException {
        JsonNode amd64 = mapper.readTree(new JsonReport().write(SampleRuns.withheld(), dir).toFile())
                .get("platforms").get(0);

        assertThat(amd64.get("platform").asText()).isEqualTo("linux/amd64");
        assertThat(amd64.get("status").asText()).isEqualTo("passed");
        assertThat(amd64.get("required").booleanValue()).isTrue();
        assertThat(amd64.get("digest").asText()).isEqualTo(SampleRuns.AMD64_DIGEST);
        assertThat(amd64.get("emulated").booleanValue()).isFalse();
        assertThat(amd64.get("agent").asText()).isEqualTo("agent-x86");
        assertThat(amd64.get("attempts").intValue()).isEqualTo(1);
        assertThat(amd64.get("binfmtSeconds").doubleValue()).isEqualTo(0.0);
        assertThat(amd64.get("buildSeconds").doubleValue()).isEqualTo(42.25);
        assertThat(amd64.get("testSeconds").doubleValue()).isEqualTo(0.0);
        assertThat(amd64.get("sizeBytes").longValue()).isEqualTo(12_897_484L);
        assertThat(amd64.get("message").asText()).isEmpty();
        assertThat(amd64.has("test")).isTrue();
        assertThat(amd64.get("test").isNull()).isTrue();
    }

    @Test
    void shouldWriteTheTestOutcomeAndKeepTheOutputExactly() throws IOException {
        JsonNode platforms = mapper.readTree(new JsonReport().write(SampleRuns.withheld(), dir).toFile())
                .get("platforms");

        JsonNode arm64 = platforms.get(1);
        assertThat(arm64.get("emulated").booleanValue()).isTrue();
        assertThat(arm64.get("required").booleanValue()).isFalse();
        assertThat(arm64.get("attempts").intValue()).isEqualTo(2);
        assertThat(arm64.get("binfmtSeconds").doubleValue()).isEqualTo(1.5);
        assertThat(arm64.get("testSeconds").doubleValue()).isEqualTo(3.25);
        assertThat(arm64.get("test").get("command").asText()).isEqualTo("uname -m");
        assertThat(arm64.get("test").get("exitCode").intValue()).isZero();
        assertThat(arm64.get("test").get("timedOut").booleanValue()).isFalse();
        assertThat(arm64.get("test").get("seconds").doubleValue()).isEqualTo(3.25);
        assertThat(arm64.get("test").get("output").asText()).isEqualTo("aarch64\n");

        // JSON is data, not markup: the hostile output round-trips unchanged
        JsonNode armV7 = platforms.get(2);
        assertThat(armV7.get("status").asText()).isEqualTo("failed");
        assertThat(armV7.get("message").asText()).isEqualTo(SampleRuns.FAILED_MESSAGE);
        assertThat(armV7.get("digest").asText()).isEqualTo("sha256:\"quoted\"<digest>");
        assertThat(armV7.get("test").get("exitCode").intValue()).isEqualTo(1);
        assertThat(armV7.get("test").get("output").asText()).isEqualTo(SampleRuns.HOSTILE_OUTPUT);
    }

    @Test
    void shouldWriteTheIndexDigestWhenPublished() throws IOException {
        JsonNode root = mapper.readTree(new JsonReport().write(SampleRuns.published(), dir).toFile());

        assertThat(root.get("published").booleanValue()).isTrue();
        assertThat(root.get("indexDigest").asText()).isEqualTo(SampleRuns.INDEX_DIGEST);
        assertThat(root.get("leftovers")).isEmpty();
        assertThat(root.get("platforms").findValuesAsText("status")).containsOnly("passed");
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array.isArray()).isTrue();
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void shouldRoundSecondsToTheMillisecond() {
        // a sum of doubles: 10.899999999999999 before
        assertThat(JsonReport.seconds(10.2 + 0.7)).isEqualTo(10.9);
        assertThat(JsonReport.seconds(0.0004)).isZero();
        assertThat(JsonReport.seconds(1.2345)).isEqualTo(1.235);
    }

    @Test
    void shouldSayWhereEveryTagIsAfterAPublishThatFailedPartWayAndThatTheRunWasInterrupted() {
        com.fasterxml.jackson.databind.JsonNode root = new JsonReport().tree(SampleRuns.failedPartWay());

        assertThat(root.get("interrupted").asText()).isEqualTo("SIGTERM");
        assertThat(root.get("published").asBoolean()).isFalse();
        assertThat(root.get("tagsLeftChanged").asBoolean()).isTrue();
        assertThat(root.get("tagStates")).hasSize(2);
        assertThat(root.get("tagStates").get(0).get("tag").asText()).isEqualTo("1.2.3");
        assertThat(root.get("tagStates").get(0).get("before").asText()).isEmpty();
        assertThat(root.get("tagStates").get(0).get("after").asText()).isEqualTo(SampleRuns.INDEX_DIGEST);
        assertThat(root.get("tagStates").get(0).get("unrestored").asBoolean()).isTrue();
        assertThat(root.get("tagStates").get(1).get("note").asText()).isEqualTo("restored after the failed publish");
    }

    @Test
    void shouldNameTheSignalThatKilledATest() {
        io.multiarch.result.PlatformResult p = new io.multiarch.result.PlatformResult(io.multiarch.platform.Platform.ARM64,
                true, io.multiarch.result.Status.FAILED, SampleRuns.ARM64_DIGEST, true, "local", 1, 0, 1, 0, 0, "",
                java.util.Optional.of(new io.multiarch.result.TestOutcome("kill -SEGV $$", 139, false, 0.5, "")),
                "the test was killed by SIGSEGV (exit code 139)");
        io.multiarch.result.RunResult run = new io.multiarch.result.RunResult("r", "i", List.of("t"), "tc", List.of(p),
                io.multiarch.result.PublishResult.withheld(List.of("t"), List.of(), "x"), 1.0);

        com.fasterxml.jackson.databind.JsonNode test = new JsonReport().tree(run).get("platforms").get(0).get("test");

        assertThat(test.get("signal").asText()).isEqualTo("SIGSEGV");
        assertThat(test.get("exitCode").asInt()).isEqualTo(139);
    }

    @Test
    void shouldWriteEachSizeWithItsChangeBudgetAndBiggestLayers() throws IOException {
        JsonNode platforms = mapper.readTree(new JsonReport().write(SampleRuns.sized(), dir).toFile()).get("platforms");

        JsonNode amd64 = platforms.get(0).get("size");
        assertThat(platforms.get(0).get("sizeBytes").longValue()).isEqualTo(3_146_752);
        assertThat(amd64.get("bytes").longValue()).isEqualTo(3_146_752);
        assertThat(amd64.get("previousTag").textValue()).isEqualTo("1.2.3");
        assertThat(amd64.get("previousBytes").longValue()).isEqualTo(3_145_728);
        assertThat(amd64.get("changeBytes").longValue()).isEqualTo(1024);
        assertThat(amd64.get("budgetBytes").longValue()).isEqualTo(4_000_000);
        assertThat(amd64.get("overBudget").booleanValue()).isFalse();
        assertThat(amd64.get("biggestLayers")).hasSize(3);
        assertThat(amd64.get("biggestLayers").get(1).get("createdBy").textValue()).isEqualTo(SampleRuns.HOSTILE_STEP);
        assertThat(amd64.get("biggestLayers").get(1).get("bytes").longValue()).isEqualTo(146_000);
        JsonNode arm64 = platforms.get(1).get("size");
        assertThat(arm64.get("previousBytes").isNull()).isTrue();
        assertThat(arm64.get("changeBytes").isNull()).isTrue();
        assertThat(arm64.get("overBudget").booleanValue()).isTrue();
        assertThat(platforms.get(2).get("size").get("budgetWarnOnly").booleanValue()).isTrue();
        JsonNode none = mapper.readTree(new JsonReport().write(SampleRuns.withheld(), dir).toFile()).get("platforms").get(0).get("size");
        assertThat(none.get("budgetBytes").isNull()).isTrue();
        assertThat(none.get("biggestLayers")).isEmpty();
    }

    @Test
    void shouldWriteAMatrixAsItsVariantsEachWithARunsFields() throws IOException {
        JsonNode root = mapper.readTree(new JsonReport().write(SampleRuns.matrix(), dir).toFile());

        assertThat(root.get("published").booleanValue()).isFalse();
        assertThat(root.get("allOrNothing").booleanValue()).isFalse();
        assertThat(root.get("variants")).hasSize(2);
        JsonNode debian = root.get("variants").get(0);
        assertThat(debian.get("variant").textValue()).isEqualTo("debian");
        assertThat(debian.get("tagSuffix").textValue()).isEqualTo("-debian");
        assertThat(debian.get("published").booleanValue()).isFalse();
        assertThat(debian.get("platforms")).hasSize(3);
        assertThat(root.get("variants").get(1).get("published").booleanValue()).isTrue();
    }

    @Test
    void shouldWriteEachPlatformsTimeline() throws IOException {
        JsonNode arm64 = mapper.readTree(new JsonReport().write(SampleRuns.timed(), dir).toFile()).get("platforms").get(1);

        assertThat(arm64.get("timeline")).hasSize(5);
        assertThat(arm64.get("timeline").get(3).get("phase").textValue()).isEqualTo("test");
        assertThat(arm64.get("timeline").get(3).get("start").doubleValue()).isEqualTo(9.0);
        assertThat(arm64.get("timeline").get(3).get("end").doubleValue()).isEqualTo(16.0);
    }
}
