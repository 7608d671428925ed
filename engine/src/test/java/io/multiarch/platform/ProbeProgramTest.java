package io.multiarch.platform;

import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.process.LocalCommandRunner;
import io.multiarch.process.OutputListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeProgramTest {

    static List<Platform> platforms() {
        return Platform.SUPPORTED;
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void shouldStartWithTheHeaderThatBinfmtMiscMatchesForThePlatform(Platform p) {
        byte[] program = ProbeProgram.of(p);

        assertThat(Arrays.copyOf(program, 20)).isEqualTo(p.elf().header());
        assertThat(program.length).isLessThan(200);
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void shouldLoadOneReadableExecutableSegmentHoldingTheEntryPoint(Platform p) {
        byte[] program = ProbeProgram.of(p);
        ByteBuffer b = ByteBuffer.wrap(program).order(p.elf().data() == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        boolean wide = p.elf().elfClass() == 2;

        long entry = wide ? b.getLong(24) : Integer.toUnsignedLong(b.getInt(24));
        long phoff = wide ? b.getLong(32) : b.getInt(28);
        int phnum = b.getShort(wide ? 56 : 44);
        int type = b.getInt((int) phoff);
        int flags = b.getInt((int) phoff + (wide ? 4 : 24));
        long fileSize = wide ? b.getLong((int) phoff + 32) : b.getInt((int) phoff + 16);

        assertThat(phnum).isEqualTo(1);
        assertThat(type).as("PT_LOAD").isEqualTo(1);
        assertThat(flags).as("PF_R | PF_X").isEqualTo(5);
        assertThat(fileSize).isEqualTo(program.length);
        assertThat(entry).isEqualTo(ProbeProgram.BASE + phoff + (wide ? 56 : 32));
    }

    @Test
    void shouldCarryTheArmFloatAbiInItsFlags() {
        ByteBuffer hf = ByteBuffer.wrap(ProbeProgram.of(Platform.ARM_V7)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer sf = ByteBuffer.wrap(ProbeProgram.of(Platform.ARM_V6)).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(hf.getInt(36)).isEqualTo(0x05000400);
        assertThat(sf.getInt(36)).isEqualTo(0x05000200);
    }

    @Test
    void shouldReadTheMachineUpToTheFirstNul() {
        assertThat(ProbeProgram.machine("i686\0" + "4\0\0\0")).isEqualTo("i686");
        assertThat(ProbeProgram.machine("x86_64\0\0\0")).isEqualTo("x86_64");
        assertThat(ProbeProgram.machine("")).isEmpty();
    }

    /** This machine's own program runs here and prints the kernel's machine; the others are run by the ITs. */
    @Test
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64")
    void shouldPrintTheKernelsMachineWhenRunNatively(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("probe");
        Files.write(file, ProbeProgram.of(Platform.AMD64));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));

        CommandResult r = new LocalCommandRunner().run(Command.of(List.of(file.toString())), OutputListener.NONE);

        assertThat(r.exitCode()).isZero();
        assertThat(ProbeProgram.machine(r.stdout())).isEqualTo("x86_64");
    }
}
