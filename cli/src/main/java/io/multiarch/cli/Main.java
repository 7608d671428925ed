package io.multiarch.cli;

import io.multiarch.request.Printable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code multiarch} command line: the engine outside Jenkins, to run or reproduce a pipeline's build locally. */
@Command(name = "multiarch", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "Builds, tests in every architecture, and publishes one multi-platform image.",
        subcommands = {BuildCommand.class, DoctorCommand.class, CommandLine.HelpCommand.class})
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
        CommandLine cli = new CommandLine(new Main());
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"multiarch " + (v == null ? "(development build)" : v)};
        }
    }
}
