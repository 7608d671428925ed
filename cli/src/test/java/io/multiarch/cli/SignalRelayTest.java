package io.multiarch.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SignalRelayTest {

    @Test
    void shouldKeepASignalThatCameBeforeTheRunAndDeliverItWhenTheRunAttaches() {
        SignalRelay relay = new SignalRelay();
        List<String> got = new ArrayList<>();

        relay.deliver("SIGTERM");
        assertThat(got).isEmpty();
        relay.attach(got::add);

        assertThat(got).containsExactly("SIGTERM");
    }

    @Test
    void shouldDeliverWhileAttachedAndDropAfterTheRunDetached() {
        SignalRelay relay = new SignalRelay();
        List<String> got = new ArrayList<>();
        relay.attach(got::add);

        relay.deliver("SIGINT");
        relay.detach();
        relay.deliver("SIGHUP");

        assertThat(got).containsExactly("SIGINT");
    }

    @Test
    void shouldStopTheRunOnTheFirstRelayedSignalAndForceItOnTheNext() {
        SignalRelay relay = new SignalRelay();
        List<String> stops = new ArrayList<>();
        int[] forced = {0};

        try (Signals signals = new Signals(stops::add, () -> forced[0]++, relay)) {
            relay.deliver("SIGTERM");
            relay.deliver("SIGHUP");

            assertThat(signals.received()).isEqualTo("SIGTERM");
            assertThat(stops).containsExactly("SIGTERM");
            assertThat(forced[0]).isEqualTo(1);
        }
    }
}
