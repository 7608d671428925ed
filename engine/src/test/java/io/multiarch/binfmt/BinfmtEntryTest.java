package io.multiarch.binfmt;

import io.multiarch.platform.Platform;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static io.multiarch.binfmt.BinfmtFixture.captured;
import static org.assertj.core.api.Assertions.assertThat;

class BinfmtEntryTest {

    @Test
    void shouldParseTheKernelsTextOfAQemuEntry() {
        // When
        BinfmtEntry entry = BinfmtEntry.parse("qemu-aarch64", captured("qemu-aarch64")).orElseThrow();

        // Then
        assertThat(entry.name()).isEqualTo("qemu-aarch64");
        assertThat(entry.enabled()).isTrue();
        assertThat(entry.interpreter()).isEqualTo("/usr/libexec/qemu-binfmt/aarch64-binfmt-P");
        assertThat(entry.flags()).isEqualTo("PF");
        assertThat(entry.fixBinary()).isTrue();
        assertThat(entry.offset()).isZero();
        assertThat(HexFormat.of().formatHex(entry.magic())).isEqualTo("7f454c460201010000000000000000000200b700");
        assertThat(HexFormat.of().formatHex(entry.mask())).isEqualTo("ffffffffffffff00fffffffffffffffffeffffff");
    }

    @Test
    void shouldReadTheSameEntriesAsTheCapturedToolOutput() throws Exception {
        // Given the entries captured with 'cat /proc/sys/fs/binfmt_misc/NAME' for the shared captured/ directory
        for (String name : List.of("qemu-aarch64", "qemu-arm", "qemu-mips64")) {
            String text;
            try (var in = getClass().getResourceAsStream("/captured/binfmt-" + name + ".txt")) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }

            // Then they parse as the fixture directory's entries do
            assertThat(BinfmtEntry.parse(name, text)).as(name).isEqualTo(BinfmtEntry.parse(name, captured(name)));
        }
    }

    @Test
    void shouldParseADisabledEntryWithoutTheFixFlag() {
        // Given the text the kernel shows after 'echo 0 > qemu-arm' for an entry registered with flags P
        String text = captured("qemu-arm").replace("enabled", "disabled").replace("flags: PF", "flags: P");

        // When
        BinfmtEntry entry = BinfmtEntry.parse("qemu-arm", text).orElseThrow();

        // Then
        assertThat(entry.enabled()).isFalse();
        assertThat(entry.flags()).isEqualTo("P");
        assertThat(entry.fixBinary()).isFalse();
    }

    @Test
    void shouldParseAnEntryWithEmptyFlagsAndNoMask() {
        // When the captured jar entry (flags empty, magic without mask)
        BinfmtEntry entry = BinfmtEntry.parse("jar", captured("jar")).orElseThrow();

        // Then
        assertThat(entry.flags()).isEmpty();
        assertThat(entry.interpreter()).isEqualTo("/usr/bin/jexec");
        assertThat(HexFormat.of().formatHex(entry.mask())).isEqualTo("ffffffff");
        assertThat(entry.matches(HexFormat.of().parseHex("504b030414000000"))).isTrue();
        assertThat(Platform.SUPPORTED).noneSatisfy(p -> assertThat(entry.matches(p.elf().header())).isTrue());
    }

    @Test
    void shouldIgnoreExtensionEntries() {
        // Given an extension-type entry, as registered by ':DOSWin:E::exe::/usr/bin/wine:'
        String text = "enabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n";

        // When / Then
        assertThat(BinfmtEntry.parse("DOSWin", text)).isEmpty();
    }

    @Test
    void shouldMatchTheElfHeaderOfItsPlatformOnly() {
        // Given
        BinfmtEntry aarch64 = BinfmtEntry.parse("qemu-aarch64", captured("qemu-aarch64")).orElseThrow();

        // Then
        assertThat(Platform.SUPPORTED).filteredOn(p -> aarch64.matches(p.elf().header())).containsExactly(Platform.ARM64);
    }

    @Test
    void shouldMatchSharedObjectsAsWellAsExecutablesThroughTheMask() {
        // Given an aarch64 ELF header with e_type ET_DYN (3), as for a PIE binary
        byte[] header = Platform.ARM64.elf().header();
        header[16] = 3;

        // Then the mask's fe over e_type lets ET_DYN through
        assertThat(BinfmtEntry.parse("qemu-aarch64", captured("qemu-aarch64")).orElseThrow().matches(header)).isTrue();
    }

    @Test
    void shouldNotMatchAHeaderShorterThanTheMagic() {
        // Given the mipsn32el entry, whose magic runs to e_flags (37 bytes)
        BinfmtEntry n32 = BinfmtEntry.parse("qemu-mipsn32el", captured("qemu-mipsn32el")).orElseThrow();

        // Then
        assertThat(n32.magic()).hasSize(37);
        assertThat(n32.matches(Platform.MIPS64LE.elf().header())).isFalse();
    }

    @Test
    void shouldHonourAnOffset() {
        // Given an entry matching 'ELF' at offset 1
        BinfmtEntry entry = BinfmtEntry.parse("elf-at-1", "enabled\ninterpreter /x\nflags: F\noffset 1\nmagic 454c46\n")
                .orElseThrow();

        // Then
        assertThat(entry.matches(Platform.AMD64.elf().header())).isTrue();
        assertThat(entry.matches(new byte[] {0x7f, 'E', 'L'})).isFalse();
    }

    @Test
    void shouldBeImmutable() {
        // Given
        BinfmtEntry entry = BinfmtEntry.parse("qemu-aarch64", captured("qemu-aarch64")).orElseThrow();

        // When
        entry.magic()[0] = 0;

        // Then
        assertThat(entry.magic()[0]).isEqualTo((byte) 0x7f);
    }

    @Test
    void shouldBeEqualByContent() {
        BinfmtEntry a = BinfmtEntry.parse("qemu-arm", captured("qemu-arm")).orElseThrow();
        BinfmtEntry b = BinfmtEntry.parse("qemu-arm", captured("qemu-arm")).orElseThrow();
        BinfmtEntry disabled = BinfmtEntry.parse("qemu-arm", captured("qemu-arm").replace("enabled", "disabled")).orElseThrow();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(disabled);
    }
}
