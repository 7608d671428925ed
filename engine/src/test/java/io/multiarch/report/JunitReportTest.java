package io.multiarch.report;

import io.multiarch.platform.Platform;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class JunitReportTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteOneFileNamedAfterEachPlatform() throws IOException {
        List<Path> files = new JunitReport().write(SampleRuns.withheld(), dir);

        assertThat(files).containsExactly(
                dir.resolve("TEST-multiarch-linux-amd64.xml"),
                dir.resolve("TEST-multiarch-linux-arm64.xml"),
                dir.resolve("TEST-multiarch-linux-arm-v7.xml"));
        assertThat(files).allSatisfy(f -> assertThat(f).isRegularFile());
    }

    @Test
    void shouldNameOnePlatformsFileAndSuiteAfterItsVariantAsTheMatrixFilesAre() throws Exception {
        // Given: one platform of the variant 'alpine', written on its own (the Jenkins plugin's stages)
        PlatformResult arm64 = SampleRuns.emulatedPassed();

        // When
        Path file = dir.resolve(JunitReport.fileName("alpine", arm64));
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            new JunitReport().write("alpine", arm64, out);
        }

        // Then: as the matrix's own files; without a variant, as a run's
        assertThat(file.getFileName()).hasToString("TEST-multiarch-alpine-linux-arm64.xml");
        assertThat(suite("alpine-linux-arm64").getAttribute("name")).isEqualTo("multiarch.alpine.linux/arm64");
        assertThat(JunitReport.fileName("", arm64)).isEqualTo(JunitReport.fileName(arm64));
    }

    @Test
    void shouldCountAPassedPlatformWithoutATestAsOneSkip() throws Exception {
        new JunitReport().write(SampleRuns.withheld(), dir);

        Element suite = suite("linux-amd64");
        assertThat(suite.getAttribute("name")).isEqualTo("multiarch.linux/amd64");
        assertCounts(suite, 2, 0, 0, 1);
        assertThat(suite.getAttribute("time")).isEqualTo("42.750");
        assertThat(testcase(suite, "build").getElementsByTagName("*").getLength()).isZero();
        assertThat(child(testcase(suite, "test"), "skipped").getAttribute("message")).isEqualTo("no test configured");
    }

    @Test
    void shouldPassBothCasesOfAnEmulatedPlatformWhoseTestPassed() throws Exception {
        new JunitReport().write(SampleRuns.withheld(), dir);

        Element suite = suite("linux-arm64");
        assertThat(suite.getAttribute("name")).isEqualTo("multiarch.linux/arm64");
        assertCounts(suite, 2, 0, 0, 0);
        Element test = testcase(suite, "test");
        assertThat(test.getAttribute("classname")).isEqualTo("multiarch.linux/arm64");
        assertThat(test.getAttribute("time")).isEqualTo("3.250");
        assertThat(child(test, "system-out").getTextContent()).isEqualTo("aarch64\n");
        assertThat(property(suite, "emulated")).isEqualTo("true");
        assertThat(property(suite, "digest")).isEqualTo(SampleRuns.ARM64_DIGEST);
    }

    @Test
    void shouldFailTheTestCaseWithTheHostileOutputEscapedAndCleaned() throws Exception {
        // When
        new JunitReport().write(SampleRuns.withheld(), dir);

        // Then: it parses, the build passed, the test failed with its output as the failure body
        Element suite = suite("linux-arm-v7");
        assertThat(suite.getAttribute("name")).isEqualTo("multiarch.linux/arm/v7");
        assertCounts(suite, 2, 1, 0, 0);
        assertThat(testcase(suite, "build").getElementsByTagName("failure").getLength()).isZero();
        Element failure = child(testcase(suite, "test"), "failure");
        assertThat(failure.getAttribute("message")).isEqualTo(SampleRuns.FAILED_MESSAGE);
        assertThat(failure.getTextContent())
                .contains("<script>alert(1)</script>", "]]> & \"double\" 'single'", "NUL: BEL: ESC:red VT:")
                .doesNotContain("\u0000", "\u0007", "\u001b", "\u000b");
        assertThat(property(suite, "digest")).isEqualTo("sha256:\"quoted\"<digest>");
    }

    @Test
    void shouldWriteNoCharacterThatXml10Forbids() throws IOException {
        for (Path file : new JunitReport().write(SampleRuns.withheld(), dir)) {
            String xml = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(xml.codePoints().filter(c -> !Text.isXmlChar(c)).toArray()).as(file.toString()).isEmpty();
            assertThat(xml).doesNotContain("<script>");
        }
    }

    @Test
    void shouldFailTheBuildCaseAndSkipTheTestWhenTheBuildFailed() throws Exception {
        // Given a build that failed before any test could run
        PlatformResult failed = new PlatformResult(Platform.PPC64LE, true, Status.FAILED, "", true, "agent-x86", 3,
                2.0, 61.0, 0.0, 0, "", Optional.empty(), "RUN apt-get install failed: exit code 100");

        // When
        new JunitReport().write(run(failed), dir);

        // Then
        Element suite = suite("linux-ppc64le");
        assertCounts(suite, 2, 1, 0, 1);
        assertThat(suite.getAttribute("time")).isEqualTo("63.000");
        Element failure = child(testcase(suite, "build"), "failure");
        assertThat(failure.getAttribute("message")).isEqualTo("RUN apt-get install failed: exit code 100");
        assertThat(child(testcase(suite, "test"), "skipped").getAttribute("message"))
                .isEqualTo("not run: the build failed");
    }

    @Test
    void shouldSkipBothCasesOfAPlatformThatNeverStarted() throws Exception {
        new JunitReport().write(run(PlatformResult.skipped(Platform.S390X, false, true,
                "not started: fail-fast stopped the run after linux/arm/v7 failed")), dir);

        Element suite = suite("linux-s390x");
        assertCounts(suite, 2, 0, 0, 2);
        assertThat(child(testcase(suite, "build"), "skipped").getAttribute("message"))
                .isEqualTo("not started: fail-fast stopped the run after linux/arm/v7 failed");
    }

    @Test
    void shouldPassTheBuildAndSkipTheTestOfAPlatformStoppedAfterItsPush() throws Exception {
        new JunitReport().write(run(new PlatformResult(Platform.ARM64, true, io.multiarch.result.Status.SKIPPED,
                "sha256:" + "ab".repeat(32), true, "local", 1, 0.5, 20.0, 1.0, 0, "tmp-1", java.util.Optional.empty(),
                "built and pushed, but its test was stopped: fail-fast after linux/amd64 failed")), dir);

        Element suite = suite("linux-arm64");
        assertCounts(suite, 2, 0, 0, 1);
        assertThat(testcase(suite, "build").getElementsByTagName("skipped").getLength()).isZero();
        assertThat(child(testcase(suite, "test"), "skipped").getAttribute("message"))
                .isEqualTo("built and pushed, but its test was stopped: fail-fast after linux/amd64 failed");
    }

    @Test
    void shouldDeleteFilesOfPlatformsNoLongerInTheRun() throws IOException {
        // Given a file from an earlier run that built s390x, and a file that is not ours
        Files.writeString(dir.resolve("TEST-multiarch-linux-s390x.xml"), "<testsuite/>");
        Files.writeString(dir.resolve("TEST-other.xml"), "<testsuite/>");

        // When
        new JunitReport().write(SampleRuns.withheld(), dir);

        // Then
        assertThat(dir.resolve("TEST-multiarch-linux-s390x.xml")).doesNotExist();
        assertThat(dir.resolve("TEST-other.xml")).exists();
    }

    private static RunResult run(PlatformResult p) {
        return new RunResult("r1", "app", List.of("1"), "docker", List.of(p),
                PublishResult.withheld(List.of("1"), List.of(), "a required platform failed"), 1);
    }

    private Element suite(String slug) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(dir.resolve("TEST-multiarch-" + slug + ".xml").toFile());
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuite");
        return root;
    }

    private static void assertCounts(Element suite, int tests, int failures, int errors, int skipped) {
        assertThat(suite.getAttribute("tests")).isEqualTo(Integer.toString(tests));
        assertThat(suite.getAttribute("failures")).isEqualTo(Integer.toString(failures));
        assertThat(suite.getAttribute("errors")).isEqualTo(Integer.toString(errors));
        assertThat(suite.getAttribute("skipped")).isEqualTo(Integer.toString(skipped));
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(tests);
        assertThat(suite.getElementsByTagName("failure").getLength()).isEqualTo(failures);
        assertThat(suite.getElementsByTagName("skipped").getLength()).isEqualTo(skipped);
    }

    private static Element testcase(Element suite, String name) {
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            if (c.getAttribute("name").equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no testcase " + name);
    }

    private static Element child(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        assertThat(nodes.getLength()).as("<%s> in <%s>", tag, parent.getAttribute("name")).isEqualTo(1);
        return (Element) nodes.item(0);
    }

    private static String property(Element suite, String name) {
        NodeList props = suite.getElementsByTagName("property");
        for (int i = 0; i < props.getLength(); i++) {
            Element p = (Element) props.item(i);
            if (p.getAttribute("name").equals(name)) {
                return p.getAttribute("value");
            }
        }
        throw new AssertionError("no property " + name);
    }

    @Test
    void shouldAddASizeCaseWhereABudgetApplies() throws Exception {
        new JunitReport().write(SampleRuns.sized(), dir);

        // over its budget: build and test passed, size failed
        Element arm64 = suite("linux-arm64");
        assertCounts(arm64, 3, 1, 0, 1);
        assertThat(testcase(arm64, "build").getElementsByTagName("*").getLength()).isZero();
        assertThat(child(testcase(arm64, "size"), "failure").getAttribute("message"))
                .isEqualTo("compressed size 4.8 MiB, budget 3.8 MiB: over the budget");
        // within, and over as a warning only: the size case passes
        assertCounts(suite("linux-amd64"), 3, 0, 0, 1);
        assertCounts(suite("linux-riscv64"), 3, 0, 0, 1);
        // no budget, no size case
        new JunitReport().write(SampleRuns.withheld(), dir);
        assertCounts(suite("linux-amd64"), 2, 0, 0, 1);
    }

    @Test
    void shouldWriteAMatrixWithTheVariantInEveryFileAndSuiteName() throws Exception {
        List<Path> files = new JunitReport().write(SampleRuns.matrix(), dir);

        assertThat(files).extracting(f -> f.getFileName().toString()).contains("TEST-multiarch-debian-linux-arm-v7.xml",
                "TEST-multiarch-alpine-linux-amd64.xml");
        Element suite = suite("debian-linux-arm64");
        assertThat(suite.getAttribute("name")).isEqualTo("multiarch.debian.linux/arm64");
        assertThat(testcase(suite, "build").getAttribute("classname")).isEqualTo("multiarch.debian.linux/arm64");
    }
}
