package io.multiarch.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.multiarch.docker.ToolchainProbeTest.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code docker version} and {@code docker info} are read from a JSON tree by hand, as data binding read them. */
class ToolchainProbeJsonTest {

    @Test
    void shouldReadARealDockerVersion() throws Exception {
        // When
        ToolchainProbe.Version v = ToolchainProbe.parseVersion(resource("docker-version.json"));

        // Then
        assertThat(v.client()).isEqualTo(new ToolchainProbe.Part("26.1.5+dfsg1", "linux", "amd64"));
        assertThat(v.server()).isEqualTo(new ToolchainProbe.Part("26.1.5+dfsg1", "linux", "amd64"));
    }

    @Test
    void shouldReadARealDockerInfoWithItsPluginsAndDriverStatus() throws Exception {
        // When
        ToolchainProbe.Info info = ToolchainProbe.parseInfo(resource("docker-info.json"));

        // Then
        assertThat(info.id()).isEqualTo("4233e61f-98db-4b3e-a304-5e740599f144");
        assertThat(info.architecture()).isEqualTo("x86_64");
        assertThat(info.kernelVersion()).isNotBlank();
        assertThat(info.driverStatus()).containsExactly(List.of("driver-type", "io.containerd.snapshotter.v1"));
        assertThat(info.containerdStore()).isTrue();
        assertThat(info.clientInfo().plugins()).singleElement()
                .isEqualTo(new ToolchainProbe.CliPlugin("buildx", "0.13.1+ds1", null, "/usr/libexec/docker/cli-plugins/docker-buildx"));
        assertThat(info.buildxPluginVersion()).hasValue("0.13.1+ds1");
        assertThat(info.buildxPluginPath()).isEqualTo("/usr/libexec/docker/cli-plugins/docker-buildx");
    }

    @Test
    void shouldReadMissingNullAndNumericFieldsAsBindingDid() throws Exception {
        // When
        ToolchainProbe.Version noServer = ToolchainProbe.parseVersion(
                "{\"Client\":{\"Version\":28,\"Os\":\"linux\"},\"Server\":null}");
        ToolchainProbe.Info info = ToolchainProbe.parseInfo("{\"ID\":5,\"Architecture\":null,\"DriverStatus\":[[\"a\",\"b\"],null,[null,1]],"
                + "\"ClientInfo\":{\"Plugins\":[{\"Name\":\"buildx\",\"Version\":\"0.1\",\"Err\":null},null]}}");

        // Then
        assertThat(noServer).isEqualTo(new ToolchainProbe.Version(new ToolchainProbe.Part("28", "linux", null), null));
        assertThat(ToolchainProbe.parseVersion("{\"client\":{}}")).isEqualTo(new ToolchainProbe.Version(null, null));
        assertThat(info.id()).isEqualTo("5");
        assertThat(info.architecture()).isNull();
        assertThat(info.kernelVersion()).isNull();
        assertThat(info.driverStatus()).containsExactly(List.of("a", "b"), null, Arrays.asList(null, "1"));
        assertThat(info.clientInfo().plugins()).containsExactly(new ToolchainProbe.CliPlugin("buildx", "0.1", null, null), null);
        // no path listed: the plugin is run through the docker CLI
        assertThat(info.buildxPluginPath()).isEmpty();
        assertThat(ToolchainProbe.parseInfo("{}")).isEqualTo(new ToolchainProbe.Info(null, null, null, null, null));
    }

    @Test
    void shouldFailNamingTheFieldOfTheWrongShape() {
        assertThatThrownBy(() -> ToolchainProbe.parseVersion("{\"Client\":{\"Version\":{}}}"))
                .isInstanceOf(MismatchedInputException.class).hasMessageContaining("Version[\"Client\"]")
                .hasMessageContaining("Part[\"Version\"]");
        assertThatThrownBy(() -> ToolchainProbe.parseVersion("{\"Server\":\"x\"}")).hasMessageContaining("Version[\"Server\"]");
        assertThatThrownBy(() -> ToolchainProbe.parseInfo("{\"DriverStatus\":[\"a\"]}")).isInstanceOf(MismatchedInputException.class)
                .hasMessageContaining("Info[\"DriverStatus\"]->java.util.ArrayList[0]");
        assertThatThrownBy(() -> ToolchainProbe.parseInfo("{\"DriverStatus\":[[{}]]}")).hasMessageContaining("Info[\"DriverStatus\"]");
        assertThatThrownBy(() -> ToolchainProbe.parseInfo("{\"ClientInfo\":{\"Plugins\":{}}}"))
                .hasMessageContaining("ClientInfo[\"Plugins\"]");
        assertThatThrownBy(() -> ToolchainProbe.parseInfo("{\"ClientInfo\":{\"Plugins\":[{\"Err\":{}}]}}"))
                .hasMessageContaining("CliPlugin[\"Err\"]");
        assertThatThrownBy(() -> ToolchainProbe.parseInfo("{\"ID\":[]}")).hasMessageContaining("Info[\"ID\"]");
    }

    @Test
    void shouldFailOnMalformedOrEmptyOutput() {
        for (String json : new String[] {"", "{", "Cannot connect to the Docker daemon", "[]"}) {
            assertThatThrownBy(() -> ToolchainProbe.parseVersion(json)).as(json).isInstanceOf(JsonProcessingException.class);
            assertThatThrownBy(() -> ToolchainProbe.parseInfo(json)).as(json).isInstanceOf(JsonProcessingException.class);
        }
    }
}
