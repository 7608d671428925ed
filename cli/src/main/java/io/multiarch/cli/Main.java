package io.multiarch.cli;

import io.multiarch.request.Printable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code multiarch} command line: the engine outside Jenkins, to run or reproduce a pipeline's build locally. */
@Command(name = "multiarch", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "Builds, tests in every architecture, and publishes one multi-platform image.")
public final class Main {

    /** When {@code main} was entered, on {@link System#nanoTime()}'s clock: the end of the JVM's start in a timeline. */
    static volatile long mainEntered = System.nanoTime();

    /** Exit codes: see {@link ExitCodes}. */
    public static void main(String[] args) {
        mainEntered = System.nanoTime();
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with its output and errors sent to the given writers; returns the exit code. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return run(null, out, err, args);
    }

    /** A run started as {@code launch} says (null: by this JVM's main); the exit code. */
    static int run(Launch launch, java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = commandLine(args.length == 0 ? "" : args[0], launch);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            // picocli quotes what the user typed: escaped, no value can forge a line
            ex.getCommandLine().getErr().println("multiarch: " + Printable.escape(ex.getMessage()));
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.INVALID_INPUT;
        });
        return cli.execute(args);
    }

    /**
     * The command line, with only the subcommand {@code first} names when it names one: picocli reads a command's
     * annotations by reflection when it is added, and the two commands not run cost some 10 ms of each start
     * (measured with the class-data-sharing archive, {@code build --dry-run}, 15 pairs) for nothing: the arguments
     * are dispatched to the subcommand the first one names, so the others play no part. Anything else (no arguments,
     * {@code --help}, {@code help}, a typo) gets every subcommand, for the usage and the errors.
     */
    static CommandLine commandLine(String first) {
        return commandLine(first, null);
    }

    private static CommandLine commandLine(String first, Launch launch) {
        CommandLine cli = new CommandLine(new Main());
        switch (first) {
            case "build" -> cli.addSubcommand(new BuildCommand(launch));
            case "doctor" -> cli.addSubcommand(new DoctorCommand());
            default -> {
                cli.addSubcommand(new BuildCommand(launch));
                cli.addSubcommand(new DoctorCommand());
                cli.addSubcommand(new CommandLine.HelpCommand());
            }
        }
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"multiarch " + (v == null ? "(development build)" : v)};
        }
    }
}
