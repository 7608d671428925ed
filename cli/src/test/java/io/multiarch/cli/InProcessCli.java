package io.multiarch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The CLI run in the test's own JVM ({@link Main#run}), its output captured and its reports written to a given folder. */
final class InProcessCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InProcessCli() {
    }

    /** Runs {@code multiarch ARGS --report REPORT_DIR}. */
    static Run run(Path reportDir, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--report", reportDir.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString(), reportDir);
    }

    /** What a run printed and where its reports are. */
    record Run(int exit, String stdout, String stderr, Path reportDir) {
        String output() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }

        JsonNode report() throws IOException {
            return JSON.readTree(Files.readString(reportDir.resolve("report.json"), StandardCharsets.UTF_8));
        }
    }
}
