package io.multiarch.request;

import io.multiarch.platform.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SizeBudgetTest {

    @TempDir
    Path context;

    @ParameterizedTest(name = "[{index}] {0} = {1} bytes")
    @CsvSource({"1500000,1500000", "1.5MB,1500000", "200kB,200000", "200KB,200000", "1GB,1000000000", "1.5MiB,1572864",
        "512KiB,524288", "1GiB,1073741824", "12 mb,12000000", "7B,7"})
    void shouldReadSizesAsPeopleWriteThem(String text, long bytes) {
        assertThat(SizeBudget.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "-1MB", "1.5 TB", "1e6", "0", "0.1B", "12 parsecs", "2000000GiB"})
    void shouldRefuseWhatIsNotASize(String text) {
        assertThatThrownBy(() -> SizeBudget.parseSize(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldLetAPlatformsOwnBudgetWin() {
        SizeBudget b = new SizeBudget(5_000_000, java.util.Map.of(Platform.ARM64, 6_000_000L), false);

        assertThat(b.forPlatform(Platform.ARM64)).hasValue(6_000_000);
        assertThat(b.forPlatform(Platform.AMD64)).hasValue(5_000_000);
        assertThat(new SizeBudget(0, java.util.Map.of(Platform.ARM64, 1L), false).forPlatform(Platform.AMD64)).isEmpty();
    }

    private RawBuildInput valid() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\n");
        return new RawBuildInput().image("127.0.0.1:5000/demo/hello").context(context.toString())
                .platforms(List.of("linux/amd64", "linux/arm64"));
    }

    @Test
    void shouldKeepTheBudgetsOfARequest() throws IOException {
        BuildRequest r = valid().sizeBudget("5MB").sizeBudget("aarch64=6MiB").sizeBudgetWarnOnly(true).build();

        assertThat(r.sizeBudget()).isEqualTo(new SizeBudget(5_000_000, java.util.Map.of(Platform.ARM64, 6L << 20), true));
        assertThat(valid().build().sizeBudget().isEmpty()).isTrue();
    }

    @Test
    void shouldNameEveryBudgetThatIsWrong() throws IOException {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> valid()
                .sizeBudget("5MB").sizeBudget("6MB")
                .sizeBudget("linux/s390x=1MB")
                .sizeBudget("linux/sparc=1MB")
                .sizeBudget("linux/arm64=lots")
                .sizeBudget("arm64=1MB").sizeBudget("linux/arm64=2MB")
                .build());

        assertThat(e.violations()).extracting(Violation::field)
                .containsExactly("sizeBudgets[1]", "sizeBudgets[2]", "sizeBudgets[3]", "sizeBudgets[4]", "sizeBudgets[6]");
        assertThat(e.violations().get(0).problem()).isEqualTo("a budget for every platform is given twice");
        assertThat(e.violations().get(1).problem()).isEqualTo("linux/s390x is not one of the platforms [linux/amd64, linux/arm64]");
        assertThat(e.violations().get(3).value()).isEqualTo("linux/arm64=lots");
        assertThat(e.violations().get(3).problem()).startsWith("not a size");
        assertThat(e.violations().get(4).problem()).isEqualTo("a budget for linux/arm64 is given twice");
    }
}
