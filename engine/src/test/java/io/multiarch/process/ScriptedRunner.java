package io.multiarch.process;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A fake of the process seam for unit tests: answers commands from a script instead of starting processes, and
 * records every command it was given, in order. Rules added later win over earlier ones, so a test can start from
 * a working script and override one answer. A command no rule answers fails with exit 127, as a missing program
 * would, and is listed in {@link #unexpected()}.
 */
public final class ScriptedRunner implements CommandRunner {

    /** How the fake answers one command. */
    @FunctionalInterface
    public interface Answer {
        CommandResult answer(Command command) throws IOException, InterruptedException;
    }

    private record Rule(Predicate<List<String>> matches, Answer answer) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Command> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<Command> unexpected = Collections.synchronizedList(new ArrayList<>());

    /** Answers commands whose argv (program included) satisfies {@code matches}. */
    public ScriptedRunner on(Predicate<List<String>> matches, Answer answer) {
        rules.add(0, new Rule(matches, answer));
        return this;
    }

    /** Answers commands whose argv contains {@code words} in this order, consecutively. */
    public ScriptedRunner on(List<String> words, Answer answer) {
        return on(argv -> Collections.indexOfSubList(argv, words) >= 0, answer);
    }

    @Override
    public CommandResult run(Command command, OutputListener listener) throws IOException, InterruptedException {
        calls.add(command);
        for (Rule r : rules) {
            if (r.matches().test(command.argv())) {
                CommandResult result = r.answer().answer(command);
                result.stdout().lines().forEach(l -> listener.line(l, false));
                result.stderr().lines().forEach(l -> listener.line(l, true));
                return result;
            }
        }
        unexpected.add(command);
        return fail(127, "scripted runner: no answer for " + command.display());
    }

    /** Every command run, in order. */
    public List<Command> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The argv of every command run, in order. */
    public List<List<String>> argvs() {
        return calls().stream().map(Command::argv).toList();
    }

    /** The commands whose argv contains {@code words} consecutively. */
    public List<Command> callsWith(String... words) {
        return calls().stream().filter(c -> Collections.indexOfSubList(c.argv(), List.of(words)) >= 0).toList();
    }

    public List<Command> unexpected() {
        synchronized (unexpected) {
            return List.copyOf(unexpected);
        }
    }

    public static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "", Duration.ofMillis(5), false);
    }

    public static CommandResult fail(int exitCode, String stderr) {
        return new CommandResult(exitCode, "", stderr, Duration.ofMillis(5), false);
    }

    public static CommandResult timedOut() {
        return new CommandResult(-1, "", "", Duration.ofMillis(5), true);
    }

    /** The argument that follows {@code option} in a command, e.g. the {@code --metadata-file} path. */
    public static String argAfter(Command command, String option) {
        int i = command.argv().indexOf(option);
        if (i < 0 || i + 1 >= command.argv().size()) {
            throw new AssertionError(option + " not in " + command.display());
        }
        return command.argv().get(i + 1);
    }
}
