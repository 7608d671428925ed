package io.multiarch.request;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuildSecretTest {

    @Test
    void shouldParseAFileSecretInEitherSpelling() {
        assertThat(BuildSecret.parse("id=token,src=/run/token")).isEqualTo(BuildSecret.file("token", "/run/token"));
        assertThat(BuildSecret.parse("src=/run/token,id=token")).isEqualTo(BuildSecret.file("token", "/run/token"));
        assertThat(BuildSecret.parse("type=file,id=token,source=/run/token")).isEqualTo(BuildSecret.file("token", "/run/token"));
    }

    @Test
    void shouldParseAnEnvironmentSecret() {
        BuildSecret s = BuildSecret.parse("id=npm,env=NPM_TOKEN");

        assertThat(s.kind()).isEqualTo(BuildSecret.Kind.ENV);
        assertThat(s.source()).isEqualTo("NPM_TOKEN");
        assertThat(s.argument()).isEqualTo("id=npm,env=NPM_TOKEN");
    }

    @Test
    void shouldWriteBuildxsFormForAFile() {
        assertThat(BuildSecret.file("a.b-c_d", "/x y/z").argument()).isEqualTo("id=a.b-c_d,src=/x y/z");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "id=token|give src=FILE or env=VARIABLE",
        "src=/run/token|no id=",
        "id=token,src=/a,env=B|give src= or env=, not both",
        "id=,src=/a|not a valid secret id",
        "id=-x,src=/a|not a valid secret id",
        "id=a b,src=/a|not a valid secret id",
        "id=t,env=A-B|env= needs a variable name",
        "id=t,env=|env= needs a variable name",
        "id=t,src=|src= needs a file path",
        "id=t,id=u,src=/a|is given twice",
        "id=t,mode=0400,src=/a|unknown key",
        "id=t,src=/a,|is not KEY=VALUE",
        "id=t,type=ssh,src=/a|type must be file or env",
        "id=t,type=env,src=/a|type=env does not go with src=",
        "id=t,src=/a\"b|cannot contain"})
    void shouldSayWhatIsWrong(String spec, String problem) {
        assertThatThrownBy(() -> BuildSecret.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
    }
}
