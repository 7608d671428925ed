package io.multiarch.cli;

import io.multiarch.docker.ToolchainProbe.NativeMemory;
import io.multiarch.platform.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Native measurements kept for one boot of this kernel, for a daemon on it only. */
class BootNativeMemoryTest {
    @TempDir
    Path dir;

    private final NativeMemory.Key daemon = new NativeMemory.Key("ABCD:EFGH", "6.1.0-test", "amd64", "x86_64");

    @Test
    void shouldRecallWhatWasMeasuredOnThisBootOnly() {
        BootNativeMemory memory = new BootNativeMemory(dir, "boot-1", "6.1.0-test");
        assertThat(memory.recall(daemon, Platform.I386)).isEmpty();

        memory.remember(daemon, Platform.I386, false);
        memory.remember(daemon, Platform.AMD64, true);

        assertThat(memory.recall(daemon, Platform.I386)).contains(Set.of());
        assertThat(memory.recall(daemon, Platform.AMD64)).contains(Set.of(Platform.AMD64));
        // another boot of the same kernel measures again
        assertThat(new BootNativeMemory(dir, "boot-2", "6.1.0-test").recall(daemon, Platform.AMD64)).isEmpty();
        // so does another daemon
        assertThat(memory.recall(new NativeMemory.Key("OTHER", "6.1.0-test", "amd64", "x86_64"), Platform.AMD64)).isEmpty();
    }

    @Test
    void shouldKeepNothingForADaemonOnAnotherKernel() {
        BootNativeMemory memory = new BootNativeMemory(dir, "boot-1", "6.1.0-test");
        NativeMemory.Key vm = new NativeMemory.Key("ABCD:EFGH", "5.15.0-vm", "amd64", "x86_64");

        memory.remember(vm, Platform.AMD64, true);

        assertThat(memory.recall(vm, Platform.AMD64)).isEmpty();
        assertThat(dir.toFile().list()).isNullOrEmpty();
    }

    @Test
    void shouldRememberNothingForARemoteDaemon() {
        assertThat(BootNativeMemory.forLocalDaemon(Map.of("DOCKER_HOST", "tcp://builder:2376"))).isSameAs(NativeMemory.NONE);
        assertThat(BootNativeMemory.forLocalDaemon(Map.of("DOCKER_CONTEXT", "remote"))).isSameAs(NativeMemory.NONE);
        assertThat(BootNativeMemory.forLocalDaemon(Map.of("DOCKER_HOST", "unix:///var/run/docker.sock", "XDG_CACHE_HOME", dir.toString())))
                .isInstanceOf(BootNativeMemory.class);
    }
}
