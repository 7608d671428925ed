package io.multiarch.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PlatformTest {

    @ParameterizedTest
    @ValueSource(strings = {"linux/amd64", "linux/386", "linux/arm64", "linux/arm/v7", "linux/arm/v6",
            "linux/ppc64le", "linux/s390x", "linux/mips64", "linux/mips64le", "linux/riscv64"})
    void shouldParseEveryCanonicalNameBackToItself(String name) {
        // When
        Platform platform = Platform.parse(name);

        // Then
        assertThat(platform.toString()).isEqualTo(name);
        assertThat(platform.os()).isEqualTo("linux");
        assertThat(Platform.SUPPORTED).contains(platform);
    }

    @Test
    void shouldSupportExactlyTheTenTargets() {
        assertThat(Platform.SUPPORTED).extracting(Platform::toString).containsExactly(
                "linux/amd64", "linux/386", "linux/arm64", "linux/arm/v7", "linux/arm/v6",
                "linux/ppc64le", "linux/s390x", "linux/mips64", "linux/mips64le", "linux/riscv64");
    }

    @ParameterizedTest
    @CsvSource({
            "aarch64, linux/arm64", "linux/aarch64, linux/arm64", "AARCH64, linux/arm64",
            "arm64/v8, linux/arm64", "linux/arm64/v8, linux/arm64", "LINUX/ARM64, linux/arm64",
            "x86_64, linux/amd64", "linux/x86_64, linux/amd64", "X86_64, linux/amd64", "amd64, linux/amd64",
            "armhf, linux/arm/v7", "linux/armhf, linux/arm/v7", "arm/v7, linux/arm/v7", "ARM/V7, linux/arm/v7",
            "armel, linux/arm/v6", "linux/armel, linux/arm/v6", "arm/v6, linux/arm/v6",
            "ppc64el, linux/ppc64le", "linux/ppc64el, linux/ppc64le", "PPC64LE, linux/ppc64le",
            "mips64el, linux/mips64le", "linux/mips64el, linux/mips64le",
            "i386, linux/386", "linux/i386, linux/386", "I386, linux/386", "386, linux/386",
            "s390x, linux/s390x", "mips64, linux/mips64", "riscv64, linux/riscv64", "'  linux/riscv64 ', linux/riscv64"
    })
    void shouldMapAliasesWithAndWithoutLinuxPrefixAndInAnyCase(String alias, String canonical) {
        assertThat(Platform.parse(alias)).hasToString(canonical).isSameAs(Platform.parse(canonical));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux/sparc", "windows/amd64", "darwin/arm64", "arm/v5", "linux/arm/v8", "amd65", "linux/"})
    void shouldRefuseUnknownPlatformsNamingTheValueAndListingAcceptedOnes(String value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Platform.parse(value))
                .withMessageContaining("'" + value + "'")
                .withMessageContaining("accepted: linux/amd64, linux/386, linux/arm64, linux/arm/v7, linux/arm/v6, "
                        + "linux/ppc64le, linux/s390x, linux/mips64, linux/mips64le, linux/riscv64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void shouldRefuseAnEmptyPlatformListingAcceptedOnes(String value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Platform.parse(value))
                .withMessageContaining("empty")
                .withMessageContaining("accepted: linux/amd64");
    }

    @Test
    void shouldRefuseNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> Platform.parse(null)).withMessageContaining("accepted");
    }

    @Test
    void shouldEscapeControlCharactersOfARefusedValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Platform.parse("linux/arm\n64"))
                .withMessageContaining("'linux/arm\\x0a64'")
                .withMessageNotContaining("\n");
    }

    @Test
    void shouldGiveSlugsUsableInTagsAndFileNames() {
        assertThat(Platform.SUPPORTED).extracting(Platform::slug).containsExactly(
                "linux-amd64", "linux-386", "linux-arm64", "linux-arm-v7", "linux-arm-v6",
                "linux-ppc64le", "linux-s390x", "linux-mips64", "linux-mips64le", "linux-riscv64");
        assertThat(Platform.SUPPORTED).allSatisfy(p -> assertThat(p.slug()).matches("[a-z0-9-]+"));
    }

    @Test
    void shouldExposeArchitectureAndVariant() {
        assertThat(Platform.ARM_V7.architecture()).isEqualTo("arm");
        assertThat(Platform.ARM_V7.variant()).isEqualTo("v7");
        assertThat(Platform.ARM_V6.variant()).isEqualTo("v6");
        assertThat(Platform.AMD64.variant()).isEmpty();
        assertThat(Platform.I386.architecture()).isEqualTo("386");
    }

    @ParameterizedTest
    @CsvSource(value = {
            "linux, amd64, , linux/amd64", "linux, 386, , linux/386", "linux, arm64, , linux/arm64",
            "linux, arm64, v8, linux/arm64", "linux, arm, v7, linux/arm/v7", "linux, arm, v6, linux/arm/v6",
            "linux, arm, , linux/arm/v7", "linux, ppc64le, , linux/ppc64le", "linux, s390x, , linux/s390x",
            "linux, mips64, , linux/mips64", "linux, mips64le, , linux/mips64le", "linux, riscv64, , linux/riscv64"
    })
    void shouldReadTheOciPlatformOfADescriptor(String os, String architecture, String variant, String expected) {
        assertThat(Platform.fromOci(os, architecture, variant)).hasValueSatisfying(p -> assertThat(p).hasToString(expected));
        assertThat(Platform.fromOci(os, architecture, variant == null ? "" : variant)).map(Platform::toString).hasValue(expected);
    }

    @ParameterizedTest
    @CsvSource(value = {
            "unknown, unknown, ", "windows, amd64, ", "linux, sparc, ", "linux, arm, v5",
            "linux, x86_64, ", "linux, aarch64, ", "linux, , "
    })
    void shouldNotReadOciPlatformsThatAreNotTargets(String os, String architecture, String variant) {
        assertThat(Platform.fromOci(os, architecture, variant)).isEmpty();
    }

    @Test
    void shouldGiveDistinctElfHeadersExceptForArmV6AndV7() {
        // Given the 20 bytes binfmt_misc matches on, per platform
        Set<String> headers = new HashSet<>();
        for (Platform p : Platform.SUPPORTED) {
            if (p != Platform.ARM_V6) {
                headers.add(HexFormat.of().formatHex(p.elf().header()));
            }
        }

        // Then nine distinct headers, and arm/v6 shares arm/v7's (only e_flags' float ABI differs)
        assertThat(headers).hasSize(9);
        assertThat(Platform.ARM_V6.elf().header()).isEqualTo(Platform.ARM_V7.elf().header());
        assertThat(Platform.ARM_V7.elf().armFloatFlag()).isEqualTo(0x400);
        assertThat(Platform.ARM_V6.elf().armFloatFlag()).isEqualTo(0x200);
        assertThat(Platform.SUPPORTED).filteredOn(p -> !p.architecture().equals("arm"))
                .allSatisfy(p -> assertThat(p.elf().armFloatFlag()).isZero());
    }

    @ParameterizedTest
    @CsvSource({
            // The leading 20 bytes of real executables: class, data, version, e_type=ET_EXEC, e_machine
            "linux/amd64,   7f454c4602010100000000000000000002003e00",
            "linux/386,     7f454c4601010100000000000000000002000300",
            "linux/arm64,   7f454c460201010000000000000000000200b700",
            "linux/arm/v7,  7f454c4601010100000000000000000002002800",
            "linux/ppc64le, 7f454c4602010100000000000000000002001500",
            "linux/s390x,   7f454c4602020100000000000000000000020016",
            "linux/mips64,  7f454c4602020100000000000000000000020008",
            "linux/mips64le, 7f454c4602010100000000000000000002000800",
            "linux/riscv64, 7f454c460201010000000000000000000200f300"
    })
    void shouldWriteTheElfHeaderOfAnExecutable(String platform, String hex) {
        assertThat(HexFormat.of().formatHex(Platform.parse(platform).elf().header())).isEqualTo(hex);
    }

    @Test
    void shouldBeEqualByArchitectureAndVariant() {
        assertThat(Platform.parse("aarch64")).isEqualTo(Platform.ARM64).hasSameHashCodeAs(Platform.ARM64);
        assertThat(Platform.ARM_V7).isNotEqualTo(Platform.ARM_V6);
        assertThat(Platform.MIPS64).isNotEqualTo(Platform.MIPS64LE);
        assertThat(Platform.AMD64).isNotEqualTo("linux/amd64");
        assertThat(new HashSet<>(Platform.SUPPORTED)).hasSize(10);
    }

    @Test
    void shouldOrderAsTheDocsListThem() {
        List<Platform> shuffled = new java.util.ArrayList<>(List.of(Platform.RISCV64, Platform.AMD64, Platform.ARM_V6,
                Platform.S390X, Platform.ARM_V7));
        java.util.Collections.sort(shuffled);
        assertThat(shuffled).containsExactly(Platform.AMD64, Platform.ARM_V7, Platform.ARM_V6, Platform.S390X, Platform.RISCV64);
    }

    @Test
    void shouldStayTheSameConstantAfterASerializationRoundTrip() throws Exception {
        for (Platform p : Platform.SUPPORTED) {
            // Given
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(p);
            }

            // When
            Object back;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                back = in.readObject();
            }

            // Then the constant itself comes back, with its ELF data and cost
            assertThat(back).isSameAs(p);
        }
    }

    @Test
    void shouldRankEmulationCostSlowestFirstAsMeasured() {
        assertThat(Platform.S390X.emulationCost()).isGreaterThan(Platform.RISCV64.emulationCost());
        assertThat(Platform.RISCV64.emulationCost()).isGreaterThan(Platform.ARM64.emulationCost());
        assertThat(Platform.ARM64.emulationCost()).isGreaterThan(Platform.ARM_V7.emulationCost());
        assertThat(Platform.ARM_V7.emulationCost()).isGreaterThan(Platform.AMD64.emulationCost());
    }
}
