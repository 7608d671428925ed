package io.multiarch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code multiarch} command line: the engine outside Jenkins, to run or reproduce a pipeline's build locally. */
@Command(name = "multiarch", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "Builds, tests in every architecture, and publishes one multi-platform image.",
        subcommands = {BuildCommand.class, DoctorCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Exit codes: see {@link ExitCodes}. */
    public static void main(String[] args) {
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
            ex.getCommandLine().getErr().println("multiarch: " + escapeControls(ex.getMessage()));
            ex.getCommandLine().getErr().println("Try 'multiarch " + ex.getCommandLine().getCommandName() + " --help'.");
            return ExitCodes.INVALID_INPUT;
        });
        return cli.execute(args);
    }

    /** Picocli's messages quote what the user typed: control characters are shown as \xNN so no line can be forged. */
    static String escapeControls(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"multiarch " + (v == null ? "(development build)" : v)};
        }
    }
}
