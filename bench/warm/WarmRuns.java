import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Figure 1c's "warm" side (bench/run.sh, anatomy_warm): `multiarch build` run again and again in one JVM that stays up,
 * through the CLI's own entry point ({@code io.multiarch.cli.Main.run}), so that the JVM's start and its first,
 * interpreted and uncompiled, pass through the code are paid once, not per run. Everything else of a run is as
 * from the command line: the toolchain probe beside the build, the temporary tags' removal, the registry cache,
 * the publish with every tag read back, the reports.
 *
 * <p>Reads one line per run from standard input, a value for the build argument {@code SEED}; runs
 * {@code multiarch build ARGS… --build-arg SEED=<line>} with the arguments it was started with; prints
 * {@code <exit code> <seconds>} (the run's wall time, from the call to its return) and writes the run's output to
 * {@code <LOG>}, the first argument. Not part of the product: a measurement of what a resident process would save.
 */
public final class WarmRuns {
    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        List<String> fixed = Arrays.asList(args).subList(1, args.length);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String seed;
        while ((seed = in.readLine()) != null) {
            List<String> run = new ArrayList<>(fixed);
            run.add("--build-arg");
            run.add("SEED=" + seed.strip());
            StringWriter output = new StringWriter();
            long start = System.nanoTime();
            int code = io.multiarch.cli.Main.run(new PrintWriter(output, true), new PrintWriter(output, true),
                    run.toArray(String[]::new));
            long end = System.nanoTime();
            Files.writeString(log, output.toString(), StandardCharsets.UTF_8);
            System.out.printf("%d %.3f%n", code, (end - start) / 1e9);
            System.out.flush();
        }
    }
}
