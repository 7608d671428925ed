package io.multiarch.cli;

import io.multiarch.timeline.Timeline;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The timeline's origin is this process's start, from the kernel's clock since boot (to about 10 ms). */
class ProcessTimelineTest {
    @Test
    void shouldDateTheProcessStartToWithinItsCentisecond() {
        long jvmUptimeNanos = ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;

        OptionalLong age = ProcessClock.processAgeNanos();

        // the process started before the JVM did, and not long before (ProcessHandle's start instant, with the boot
        // time in whole seconds, was up to a second early)
        assertThat(age).isPresent();
        assertThat(age.getAsLong()).isGreaterThanOrEqualTo(jvmUptimeNanos - 20_000_000L)
                .isLessThan(jvmUptimeNanos + 500_000_000L);
    }

    @Test
    void shouldStartTheTimelineWithTheJvmsStart() {
        Timeline timeline = ProcessClock.timeline(Launch.thisProcess());

        assertThat(timeline.spans()).first().satisfies(s -> {
            assertThat(s.phase()).isEqualTo("jvm start (process start to main)");
            assertThat(s.start()).isEqualTo(0.0);
        });
    }
}
