package io.multiarch.report;

import io.multiarch.result.PlatformResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.Status;
import io.multiarch.result.TestOutcome;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Writes one JUnit XML file per platform, {@code TEST-multiarch-linux-arm-v7.xml}, so CI servers show each
 * architecture as a suite {@code multiarch.linux/arm/v7} with two cases: {@code build} and {@code test}.
 * A failed build fails {@code build} and skips {@code test}; a failed test fails {@code test} with its output;
 * a platform without a test skips {@code test}; a platform that never started skips both; a platform stopped after
 * its image was pushed passes {@code build} and skips {@code test}.
 * Written with StAX so every value is escaped, and stripped of characters XML 1.0 cannot carry.
 */
public final class JunitReport {
    /** The prefix of every file this report writes. */
    public static final String FILE_PREFIX = "TEST-multiarch-";

    private static final XMLOutputFactory XML = XMLOutputFactory.newDefaultFactory();

    /**
     * Writes one file per platform into {@code dir} (created if needed) and returns them in the run's order.
     * Files with this report's prefix left by an earlier run are deleted, so a platform dropped from the request
     * does not linger in the CI server's test results.
     */
    public List<Path> write(RunResult run, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (PlatformResult p : run.platforms()) {
            Path file = dir.resolve(fileName(p));
            try (OutputStream out = Files.newOutputStream(file)) {
                write(p, out);
            }
            written.add(file);
        }
        deleteStale(dir, new HashSet<>(written));
        return written;
    }

    /** {@code TEST-multiarch-<slug>.xml}. */
    public static String fileName(PlatformResult p) {
        return FILE_PREFIX + p.platform().slug() + ".xml";
    }

    /**
     * A matrix build's files, one per variant and platform ({@code TEST-multiarch-<variant>-<slug>.xml}, suites named
     * {@code multiarch.<variant>.<platform>} so that a CI server groups them by variant), into {@code dir}; stale
     * files of this report are deleted.
     */
    public List<Path> write(io.multiarch.result.MatrixResult matrix, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (io.multiarch.result.VariantResult v : matrix.variants()) {
            for (PlatformResult p : v.run().platforms()) {
                Path file = dir.resolve(FILE_PREFIX + v.name() + "-" + p.platform().slug() + ".xml");
                try (OutputStream out = Files.newOutputStream(file)) {
                    write(p, "multiarch." + v.name() + "." + p.platform(), out);
                }
                written.add(file);
            }
        }
        deleteStale(dir, new HashSet<>(written));
        return written;
    }

    /** One platform's suite, as UTF-8. */
    public void write(PlatformResult p, OutputStream out) throws IOException {
        write(p, "multiarch." + p.platform(), out);
    }

    /**
     * One platform's file name in a matrix build, {@code TEST-multiarch-<variant>-<slug>.xml}, as {@link
     * #write(io.multiarch.result.MatrixResult, Path)} names it; {@link #fileName(PlatformResult)} without a variant.
     */
    public static String fileName(String variant, PlatformResult p) {
        return variant == null || variant.isEmpty() ? fileName(p) : FILE_PREFIX + variant + "-" + p.platform().slug() + ".xml";
    }

    /**
     * One platform's suite of one variant of a matrix build ({@code multiarch.<variant>.<platform>}), as UTF-8: for
     * front ends that write each platform's file on its own (the Jenkins plugin); without a variant as
     * {@link #write(PlatformResult, OutputStream)}.
     */
    public void write(String variant, PlatformResult p, OutputStream out) throws IOException {
        write(p, variant == null || variant.isEmpty() ? "multiarch." + p.platform() : "multiarch." + variant + "." + p.platform(), out);
    }

    private void write(PlatformResult p, String suite, OutputStream out) throws IOException {
        Case build = buildCase(p);
        Case test = testCase(p);
        List<Case> cases = p.size().hasBudget() ? List.of(build, test, sizeCase(p)) : List.of(build, test);
        try {
            XMLStreamWriter xml = XML.createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            newline(xml, 0);
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", suite);
            xml.writeAttribute("tests", Integer.toString(cases.size()));
            xml.writeAttribute("failures", Long.toString(cases.stream().filter(c -> c.kind == Kind.FAILURE).count()));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("skipped", Long.toString(cases.stream().filter(c -> c.kind == Kind.SKIPPED).count()));
            xml.writeAttribute("time", time(build.seconds + test.seconds));
            if (!Text.orEmpty(p.agent()).isEmpty()) {
                xml.writeAttribute("hostname", attr(p.agent()));
            }
            properties(xml, p);
            for (Case c : cases) {
                testcase(xml, suite, c);
            }
            newline(xml, 0);
            xml.writeEndElement();
            newline(xml, 0);
            xml.writeEndDocument();
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write the JUnit report of " + p.platform() + ": " + e.getMessage(), e);
        }
    }

    private static Case buildCase(PlatformResult p) {
        double seconds = p.binfmtSeconds() + p.buildSeconds() + p.pushSeconds();
        if (p.status() == Status.SKIPPED && Text.orEmpty(p.digest()).isEmpty()) {
            return Case.skipped("build", seconds, Text.orEmpty(p.message()));
        }
        if (p.status() == Status.SKIPPED) {
            return Case.passed("build", seconds, ""); // built and pushed; its test was stopped
        }
        Optional<TestOutcome> test = p.test();
        // a failed platform whose test passed (or never ran) failed outside the test: emulator, build or push
        if (p.status() == Status.FAILED && test.map(TestOutcome::passed).orElse(true) && !failedOnSize(p)) {
            return Case.failure("build", seconds, "build", Text.orEmpty(p.message()), "");
        }
        return Case.passed("build", seconds, "");
    }

    private static Case testCase(PlatformResult p) {
        if (p.status() == Status.SKIPPED) {
            return Case.skipped("test", 0, Text.orEmpty(p.message()));
        }
        if (p.test().isEmpty()) {
            return Case.skipped("test", 0,
                    p.status() == Status.FAILED ? "not run: the build failed" : "no test configured");
        }
        TestOutcome t = p.test().get();
        if (t.passed()) {
            return Case.passed("test", t.seconds(), t.output());
        }
        String reason = t.timedOut()
                ? "timed out after " + Formats.seconds(t.seconds()) + " s: " + t.command()
                : "exit code " + t.exitCode() + ": " + t.command();
        String message = Text.orEmpty(p.message()).isBlank() ? reason : p.message();
        return Case.failure("test", t.seconds(), t.timedOut() ? "timeout" : "exit-code", message, t.output());
    }

    /** A platform that failed only because it is over its size budget: its build and test passed. */
    private static boolean failedOnSize(PlatformResult p) {
        return p.size().overBudget() && !p.size().budgetWarnOnly() && !Text.orEmpty(p.digest()).isEmpty();
    }

    /** The size against the budget, when one applies: fails over it, unless the budget only warns. */
    private static Case sizeCase(PlatformResult p) {
        io.multiarch.result.ImageSize size = p.size();
        if (Text.orEmpty(p.digest()).isEmpty()) {
            return Case.skipped("size", 0, "no image was pushed");
        }
        String text = "compressed size " + Formats.size(size.bytes()) + ", budget " + Formats.size(size.budgetBytes());
        if (size.overBudget() && !size.budgetWarnOnly()) {
            return Case.failure("size", 0, "size-budget", text + ": over the budget", "");
        }
        return Case.passed("size", 0, text + (size.overBudget() ? ": over the budget (a warning only)" : ""));
    }

    private static void properties(XMLStreamWriter xml, PlatformResult p) throws XMLStreamException {
        newline(xml, 1);
        xml.writeStartElement("properties");
        property(xml, "platform", p.platform().toString());
        property(xml, "required", Boolean.toString(p.required()));
        property(xml, "emulated", Boolean.toString(p.emulated()));
        property(xml, "digest", Text.orEmpty(p.digest()));
        property(xml, "attempts", Integer.toString(p.attempts()));
        property(xml, "sizeBytes", Long.toString(p.sizeBytes()));
        if (p.size().change().isPresent()) {
            property(xml, "sizeChangeBytes", Long.toString(p.size().change().getAsLong()));
        }
        if (p.size().hasBudget()) {
            property(xml, "sizeBudgetBytes", Long.toString(p.size().budgetBytes()));
        }
        newline(xml, 1);
        xml.writeEndElement();
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        newline(xml, 2);
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", attr(value));
    }

    private static void testcase(XMLStreamWriter xml, String suite, Case c) throws XMLStreamException {
        newline(xml, 1);
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", suite);
        xml.writeAttribute("name", c.name);
        xml.writeAttribute("time", time(c.seconds));
        switch (c.kind) {
            case FAILURE -> {
                newline(xml, 2);
                xml.writeStartElement("failure");
                xml.writeAttribute("type", c.type);
                xml.writeAttribute("message", attr(c.message));
                xml.writeCharacters(Text.xmlSafe(Text.withoutAnsi(c.body.isEmpty() ? c.message : c.body)));
                xml.writeEndElement();
            }
            case SKIPPED -> {
                newline(xml, 2);
                xml.writeEmptyElement("skipped");
                xml.writeAttribute("message", attr(c.message));
            }
            case PASSED -> {
                // nothing: a passed case has no child but its output
            }
        }
        if (!c.output.isEmpty()) {
            newline(xml, 2);
            xml.writeStartElement("system-out");
            xml.writeCharacters(Text.xmlSafe(Text.withoutAnsi(c.output)));
            xml.writeEndElement();
        }
        newline(xml, 1);
        xml.writeEndElement();
    }

    /** Attribute values lose their line breaks to attribute normalisation anyway; make that explicit. */
    private static String attr(String value) {
        return Text.xmlSafe(Text.oneLine(value));
    }

    private static String time(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    private static void newline(XMLStreamWriter xml, int depth) throws XMLStreamException {
        xml.writeCharacters("\n" + "  ".repeat(depth));
    }

    private static void deleteStale(Path dir, Set<Path> keep) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, FILE_PREFIX + "*.xml")) {
            for (Path f : files) {
                if (!keep.contains(f) && Files.isRegularFile(f)) {
                    Files.delete(f);
                }
            }
        }
    }

    private enum Kind { PASSED, FAILURE, SKIPPED }

    private record Case(String name, double seconds, Kind kind, String type, String message, String body,
                        String output) {
        static Case passed(String name, double seconds, String output) {
            return new Case(name, seconds, Kind.PASSED, "", "", "", Text.orEmpty(output));
        }

        static Case failure(String name, double seconds, String type, String message, String output) {
            // the output goes in the failure body, where CI servers show it next to the message; not twice
            return new Case(name, seconds, Kind.FAILURE, type, message, Text.orEmpty(output), "");
        }

        static Case skipped(String name, double seconds, String message) {
            return new Case(name, seconds, Kind.SKIPPED, "", message, "", "");
        }
    }
}
