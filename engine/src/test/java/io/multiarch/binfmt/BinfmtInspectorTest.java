package io.multiarch.binfmt;

import io.multiarch.binfmt.EmulatorStatus.State;
import io.multiarch.platform.Platform;
import io.multiarch.process.LocalFileAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BinfmtInspectorTest {
    private static final Set<Platform> AMD64_HOST = Set.of(Platform.AMD64, Platform.I386);

    @TempDir
    Path temp;

    private EmulatorStatus inspect(Platform platform, BinfmtFixture fixture) throws Exception {
        return BinfmtInspector.inspect(platform, AMD64_HOST, BinfmtTable.read(new LocalFileAccess(), fixture.path()));
    }

    @Test
    void shouldCallEveryQemuUserStaticPlatformReady() throws Exception {
        BinfmtFixture fixture = BinfmtFixture.debianQemuUserStatic(temp);

        for (Platform p : Platform.SUPPORTED) {
            EmulatorStatus status = inspect(p, fixture);
            assertThat(status.runnable()).as(p.toString()).isTrue();
            assertThat(status.message()).as(p.toString()).isEmpty();
        }
    }

    @Test
    void shouldCallHostPlatformsNativeWhateverTheTable() throws Exception {
        // When the table is not even mounted
        EmulatorStatus status = inspect(Platform.I386, BinfmtFixture.debianQemuUserStatic(temp).unmount());

        // Then
        assertThat(status.state()).isEqualTo(State.NATIVE);
        assertThat(status.emulated()).isFalse();
        assertThat(status.runnable()).isTrue();
    }

    @Test
    void shouldNameTheEntryOfAReadyPlatform() throws Exception {
        EmulatorStatus status = inspect(Platform.ARM_V6, BinfmtFixture.debianQemuUserStatic(temp));

        assertThat(status.state()).isEqualTo(State.READY);
        assertThat(status.entry()).isEqualTo("qemu-arm");
        assertThat(status.emulated()).isTrue();
    }

    @Test
    void shouldLeaveADisabledEntryAloneAndSayHowToEnableIt() throws Exception {
        // When
        EmulatorStatus status = inspect(Platform.S390X, BinfmtFixture.debianQemuUserStatic(temp).disable("qemu-s390x"));

        // Then
        assertThat(status.state()).isEqualTo(State.DISABLED);
        assertThat(status.runnable()).isFalse();
        assertThat(status.entry()).isEqualTo("qemu-s390x");
        assertThat(status.message())
                .contains("'qemu-s390x'")
                .contains("linux/s390x")
                .contains("echo 1 > /proc/sys/fs/binfmt_misc/qemu-s390x");
    }

    @ParameterizedTest
    @CsvSource({"linux/riscv64, qemu-riscv64", "linux/mips64le, qemu-mips64el", "linux/arm/v7, qemu-arm",
            "linux/arm64, qemu-aarch64", "linux/mips64, qemu-mips64"})
    void shouldSayHowToInstallAMissingEmulator(String platform, String entry) throws Exception {
        // When
        EmulatorStatus status = inspect(Platform.parse(platform), BinfmtFixture.debianQemuUserStatic(temp).remove(entry));

        // Then
        assertThat(status.state()).isEqualTo(State.MISSING);
        assertThat(status.entry()).isEmpty();
        assertThat(status.message())
                .contains(platform)
                .contains("apt-get install qemu-user-static binfmt-support")
                .contains("update-binfmts --enable " + entry);
    }

    @Test
    void shouldRefuseAnEntryWithoutTheFixFlag() throws Exception {
        // When
        EmulatorStatus status = inspect(Platform.ARM64, BinfmtFixture.debianQemuUserStatic(temp).flags("qemu-aarch64", "P"));

        // Then
        assertThat(status.state()).isEqualTo(State.NOT_FIXED);
        assertThat(status.entry()).isEqualTo("qemu-aarch64");
        assertThat(status.message())
                .contains("lacks the F flag")
                .contains("flags: 'P'")
                .contains("/usr/libexec/qemu-binfmt/aarch64-binfmt-P");
    }

    @Test
    void shouldSayHowToMountAnUnmountedBinfmtMisc() throws Exception {
        EmulatorStatus status = inspect(Platform.PPC64LE, BinfmtFixture.debianQemuUserStatic(temp).unmount());

        assertThat(status.state()).isEqualTo(State.UNAVAILABLE);
        assertThat(status.message())
                .contains("linux/ppc64le")
                .contains("mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc");
    }

    @Test
    void shouldSayHowToEnableAGloballyDisabledBinfmtMisc() throws Exception {
        EmulatorStatus status = inspect(Platform.ARM64, BinfmtFixture.debianQemuUserStatic(temp).disableGlobally());

        assertThat(status.state()).isEqualTo(State.UNAVAILABLE);
        assertThat(status.message()).contains("echo 1 > /proc/sys/fs/binfmt_misc/status");
    }

    @Test
    void shouldNameEntriesAsDebianAndTheInstallerImageDo() {
        assertThat(BinfmtInspector.hostEntryName(Platform.ARM64)).isEqualTo("qemu-aarch64");
        assertThat(BinfmtInspector.hostEntryName(Platform.ARM_V6)).isEqualTo("qemu-arm");
        assertThat(BinfmtInspector.hostEntryName(Platform.MIPS64LE)).isEqualTo("qemu-mips64el");
        assertThat(BinfmtInspector.hostEntryName(Platform.PPC64LE)).isEqualTo("qemu-ppc64le");
        assertThat(BinfmtInspector.hostEntryName(Platform.AMD64)).isEqualTo("qemu-x86_64");
        assertThat(BinfmtInspector.hostEntryName(Platform.I386)).isEqualTo("qemu-i386");
        assertThat(BinfmtInspector.installerName(Platform.ARM64)).isEqualTo("arm64");
        assertThat(BinfmtInspector.installerName(Platform.RISCV64)).isEqualTo("riscv64");
    }

    @Test
    void shouldNameTheCapturedEntryOfEveryEmulatedPlatformAsDebianDoes() {
        for (Platform p : Platform.SUPPORTED) {
            if (!AMD64_HOST.contains(p)) {
                assertThat(BinfmtFixture.capturedDir().resolve(BinfmtInspector.hostEntryName(p))).as(p.toString()).exists();
            }
        }
    }
}
