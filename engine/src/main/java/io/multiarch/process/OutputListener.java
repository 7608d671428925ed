package io.multiarch.process;

/** Receives a process's output live, line by line, e.g. to print it prefixed by platform. */
@FunctionalInterface
public interface OutputListener {

    /** Discards everything. */
    OutputListener NONE = (line, error) -> { };

    /**
     * @param line  one line, without its line break
     * @param error whether it came from standard error
     */
    void line(String line, boolean error);

    /** This listener, then {@code next}, for every line: to watch output that also goes to the log. */
    default OutputListener andThen(OutputListener next) {
        return (line, error) -> {
            line(line, error);
            next.line(line, error);
        };
    }

    /**
     * {@code out} receiving every line made inert ({@link ConsoleText#inert}): for a terminal or a build log, where
     * control characters from builds and tests must not move the cursor or forge lines.
     */
    static OutputListener inert(OutputListener out) {
        return (line, error) -> out.line(ConsoleText.inert(line), error);
    }
}
