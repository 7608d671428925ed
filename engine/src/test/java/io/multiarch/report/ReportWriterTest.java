package io.multiarch.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteJsonHtmlAndOneJunitFilePerPlatform() throws IOException {
        // Given a report directory that does not exist yet
        Path reports = dir.resolve("build/multiarch");

        // When
        ReportFiles files = new ReportWriter().writeAll(SampleRuns.withheld(), reports);

        // Then
        assertThat(files.json()).isEqualTo(reports.resolve("report.json"));
        assertThat(files.html()).isEqualTo(reports.resolve("report.html"));
        assertThat(files.junitDir()).isEqualTo(reports.resolve("junit"));
        assertThat(files.junit()).extracting(p -> p.getFileName().toString()).containsExactly(
                "TEST-multiarch-linux-amd64.xml", "TEST-multiarch-linux-arm64.xml", "TEST-multiarch-linux-arm-v7.xml");
        assertThat(files.junit()).allSatisfy(p -> assertThat(p.getParent()).isEqualTo(files.junitDir()));
        assertThat(files.all()).hasSize(5).allSatisfy(p -> assertThat(p).isRegularFile().isNotEmptyFile());
        assertThat(new ObjectMapper().readTree(files.json().toFile()).get("runId").asText()).isEqualTo("r42");
        assertThat(Files.readString(files.html())).contains("linux/arm/v7");
    }
}
