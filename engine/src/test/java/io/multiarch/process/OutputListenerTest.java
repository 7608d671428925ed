package io.multiarch.process;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutputListenerTest {

    @Test
    void shouldPassEveryLineToThisListenerThenTheNext() {
        List<String> seen = new ArrayList<>();

        OutputListener both = ((OutputListener) (l, e) -> seen.add("first " + l + e)).andThen((l, e) -> seen.add("next " + l + e));
        both.line("#1 DONE 0.1s", true);
        both.line("out", false);

        assertThat(seen).containsExactly("first #1 DONE 0.1strue", "next #1 DONE 0.1strue", "first outfalse", "next outfalse");
    }
}
