package io.multiarch.binfmt;

import io.multiarch.platform.Platform;
import io.multiarch.process.LocalFileAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BinfmtTableTest {

    @TempDir
    Path temp;

    private BinfmtTable read(BinfmtFixture fixture) throws Exception {
        return BinfmtTable.read(new LocalFileAccess(), fixture.path());
    }

    @Test
    void shouldReadEveryMagicEntryOfTheCapturedTable() throws Exception {
        // When
        BinfmtTable table = read(BinfmtFixture.debianQemuUserStatic(temp));

        // Then the 29 qemu entries and the three non-ELF ones, without register and status
        assertThat(table.mounted()).isTrue();
        assertThat(table.globallyEnabled()).isTrue();
        assertThat(table.entries()).extracting(BinfmtEntry::name)
                .hasSize(32)
                .contains("qemu-aarch64", "qemu-arm", "qemu-riscv64", "jar", "python3.11", "llvm-14-runtime.binfmt")
                .doesNotContain("register", "status");
        assertThat(table.entries()).allSatisfy(e -> assertThat(e.enabled()).isTrue());
    }

    @ParameterizedTest
    @CsvSource({
            "linux/arm64,    qemu-aarch64",
            "linux/arm/v7,   qemu-arm",
            "linux/arm/v6,   qemu-arm",
            "linux/ppc64le,  qemu-ppc64le",
            "linux/s390x,    qemu-s390x",
            "linux/mips64,   qemu-mips64",
            "linux/mips64le, qemu-mips64el",
            "linux/riscv64,  qemu-riscv64"
    })
    void shouldPickTheEntryTheKernelWouldUseForEachEmulatedPlatform(String platform, String entry) throws Exception {
        // Given
        BinfmtTable table = read(BinfmtFixture.debianQemuUserStatic(temp));

        // When / Then
        assertThat(table.entryFor(Platform.parse(platform))).map(BinfmtEntry::name).hasValue(entry);
    }

    @Test
    void shouldHaveNoEntryForTheNativePlatformsOfAnAmd64Host() throws Exception {
        BinfmtTable table = read(BinfmtFixture.debianQemuUserStatic(temp));

        assertThat(table.entryFor(Platform.AMD64)).isEmpty();
        assertThat(table.entryFor(Platform.I386)).isEmpty();
    }

    @Test
    void shouldNotRunBigEndianMips64WithTheLittleEndianEmulator() throws Exception {
        // Given only the mips64el emulator
        BinfmtTable table = read(BinfmtFixture.debianQemuUserStatic(temp).remove("qemu-mips64"));

        // Then mips64 has no emulator, and mips64el still runs mips64le
        assertThat(table.entryFor(Platform.MIPS64)).isEmpty();
        assertThat(table.entryFor(Platform.MIPS64LE)).map(BinfmtEntry::name).hasValue("qemu-mips64el");
    }

    @Test
    void shouldNotRunLittleEndianArmWithTheBigEndianEmulator() throws Exception {
        BinfmtTable table = read(BinfmtFixture.debianQemuUserStatic(temp).remove("qemu-arm"));

        assertThat(table.entryFor(Platform.ARM_V7)).isEmpty();
        assertThat(table.entryFor(Platform.ARM_V6)).isEmpty();
    }

    @Test
    void shouldPreferAnEnabledMatchOverADisabledOne() throws Exception {
        // Given a disabled qemu-aarch64 and, later in the listing, an enabled tonistiigi/binfmt style entry
        BinfmtFixture fixture = BinfmtFixture.debianQemuUserStatic(temp).disable("qemu-aarch64")
                .write("qemu-aarch64-static", BinfmtFixture.captured("qemu-aarch64")
                        .replace("/usr/libexec/qemu-binfmt/aarch64-binfmt-P", "/usr/bin/qemu-aarch64"));

        // When / Then
        assertThat(read(fixture).entryFor(Platform.ARM64)).map(BinfmtEntry::name).hasValue("qemu-aarch64-static");
    }

    @Test
    void shouldReturnADisabledMatchWhenNoEnabledOneExists() throws Exception {
        BinfmtTable table = read(BinfmtFixture.debianQemuUserStatic(temp).disable("qemu-riscv64"));

        assertThat(table.entryFor(Platform.RISCV64)).hasValueSatisfying(e -> {
            assertThat(e.name()).isEqualTo("qemu-riscv64");
            assertThat(e.enabled()).isFalse();
        });
    }

    @Test
    void shouldSeeAGloballyDisabledTable() throws Exception {
        BinfmtTable table = read(BinfmtFixture.debianQemuUserStatic(temp).disableGlobally());

        assertThat(table.mounted()).isTrue();
        assertThat(table.globallyEnabled()).isFalse();
    }

    @Test
    void shouldGiveAnEmptyTableWhenNotMounted() throws Exception {
        BinfmtTable table = read(BinfmtFixture.debianQemuUserStatic(temp).unmount());

        assertThat(table.mounted()).isFalse();
        assertThat(table.entries()).isEmpty();
        assertThat(table.entryFor(Platform.ARM64)).isEmpty();
    }

    @Test
    void shouldGiveAnEmptyTableWhenTheDirectoryDoesNotExist() throws Exception {
        BinfmtTable table = BinfmtTable.read(new LocalFileAccess(), temp.resolve("none").toString());

        assertThat(table.mounted()).isFalse();
    }

    @Test
    void shouldKeepItsEntriesUnmodifiable() {
        BinfmtTable table = new BinfmtTable(true, true, new java.util.ArrayList<>());

        assertThat(table.entries()).isUnmodifiable();
        assertThat(table.entries()).isEqualTo(List.of());
    }
}
