package io.multiarch.request;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The context checked in another machine's workspace, as the Jenkins plugin does on an agent. */
class BuildRequestOnAgentTest {

    /** A recording probe that knows one directory and one file, as an agent's file system would. */
    private static final class AgentFiles implements PathProbe {
        final List<String> asked = new ArrayList<>();

        @Override
        public boolean isDirectory(String path) {
            asked.add("dir " + path);
            return path.equals("/agent/ws/app");
        }

        @Override
        public boolean isRegularFile(String path) {
            asked.add("file " + path);
            return path.equals("/agent/ws/app/Dockerfile");
        }
    }

    private static RawBuildInput request(String context) {
        return new RawBuildInput().image("127.0.0.1:5000/a/b").platforms(List.of("linux/amd64")).context(context);
    }

    @Test
    void shouldResolveAndCheckTheContextInTheWorkspaceThroughTheProbe() {
        AgentFiles agent = new AgentFiles();

        BuildRequest r = request("app").on("/agent/ws", agent).build();

        assertThat(r.context()).isEqualTo(Path.of("/agent/ws/app"));
        assertThat(r.dockerfile()).isEqualTo(Path.of("/agent/ws/app/Dockerfile"));
        assertThat(agent.asked).containsExactly("dir /agent/ws/app", "file /agent/ws/app/Dockerfile");
    }

    @Test
    void shouldRefuseAContextMissingOnTheAgentOrLeavingTheWorkspace() {
        assertThatThrownBy(() -> request("other").on("/agent/ws", new AgentFiles()).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("field 'context' = 'other': is not an existing directory in the workspace /agent/ws");
        AgentFiles agent = new AgentFiles();
        assertThatThrownBy(() -> request("../../etc").on("/agent/ws", agent).build())
                .hasMessageContaining("field 'context' = '../../etc': leaves the workspace /agent/ws");
        assertThat(agent.asked).as("nothing outside the workspace is even looked at").isEmpty();
    }

    @Test
    void shouldNameTheFieldWhenTheAgentCannotBeAsked() {
        PathProbe broken = new PathProbe() {
            @Override
            public boolean isDirectory(String path) throws IOException {
                throw new IOException("channel closed");
            }

            @Override
            public boolean isRegularFile(String path) {
                return true;
            }
        };
        assertThatThrownBy(() -> request("app").on("/agent/ws", broken).build())
                .hasMessageContaining("field 'context' = 'app': cannot be checked: channel closed");
    }

    @Test
    void shouldAcceptAnyPathUncheckedWhileOtherFieldsAreStillValidated() {
        assertThat(request("app").on("/", PathProbe.UNCHECKED).build().context()).isEqualTo(Path.of("/app"));
        assertThatThrownBy(() -> request("app").on("/", PathProbe.UNCHECKED).tags(List.of("-bad")).build())
                .hasMessageContaining("field 'tags[0]' = '-bad'");
    }
}
