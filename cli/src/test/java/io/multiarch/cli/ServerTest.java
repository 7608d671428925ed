package io.multiarch.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resident server and its client over a real Unix socket, in this JVM: a run served with its output and exit code
 * relayed, a client of another identity refused without a value of its environment in the answer, and the server's
 * end. Runs that need docker (a build stopped by a forwarded signal) are in {@link ServerIT}.
 */
class ServerTest {
    @TempDir
    Path dir;

    private final List<Server> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.end(0));
    }

    private Path serve(ServerIdentity identity, CountDownLatch ended) throws Exception {
        Path socket = dir.resolve("server-test.sock");
        Server server = Server.start(identity, socket, Duration.ofMinutes(10), ended::countDown).orElseThrow();
        servers.add(server);
        Thread t = new Thread(() -> {
            try {
                server.serve();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private record Relayed(Client.Served served, String out, String err) {
    }

    private static Relayed ask(Path socket, ServerIdentity identity, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Client.Served served = Client.served(socket, new Frames.Request(identity, System.nanoTime(), System.nanoTime(), args),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Relayed(served, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldServeARunOfTheSameIdentityAndRelayItsOutputAndExitCode() throws Exception {
        // Given
        ServerIdentity me = ServerIdentity.ofThisProcess();
        Path socket = serve(me, new CountDownLatch(1));

        // When: input refused before anything starts (exit 2), and a version (exit 0)
        Relayed invalid = ask(socket, me, "build", dir.resolve("no-such-context").toString(), "--image", "127.0.0.1:5000/x",
                "--platforms", "linux/amd64");
        Relayed version = ask(socket, me, "build", "--version");

        // Then
        assertThat(invalid.served().code()).hasValue(ExitCodes.INVALID_INPUT);
        assertThat(invalid.err()).contains("multiarch: invalid input, nothing was run:").contains("no-such-context");
        assertThat(version.served().code()).hasValue(0);
        assertThat(version.out()).startsWith("multiarch ");
    }

    @Test
    void shouldRefuseAClientOfAnotherIdentityWithoutSayingAnyValue() throws Exception {
        // Given
        ServerIdentity me = new ServerIdentity("cwd=/a\nenv TOKEN=s3cret\u0000env HOME=/root\u0000");
        ServerIdentity other = new ServerIdentity("cwd=/a\nenv TOKEN=other-s3cret\u0000env HOME=/root\u0000");
        Path socket = serve(me, new CountDownLatch(1));

        // When
        Relayed refused = ask(socket, other, "build", "--version");

        // Then: no run, nothing printed; the reason names the variable only
        assertThat(refused.served().code()).isEmpty();
        assertThat(refused.served().refused()).isTrue();
        assertThat(refused.out()).isEmpty();
        assertThat(me.difference(other)).isEqualTo("env TOKEN").doesNotContain("s3cret");
    }

    @Test
    void shouldNamedTheSocketAfterTheIdentity() {
        ServerIdentity a = new ServerIdentity("cwd=/a\n");
        ServerIdentity b = new ServerIdentity("cwd=/b\n");

        assertThat(a.socket(dir)).isEqualTo(new ServerIdentity("cwd=/a\n").socket(dir)).isNotEqualTo(b.socket(dir));
        assertThat(a.socket(dir).getFileName().toString()).matches("server-[0-9a-f]{16}\\.sock");
    }

    @Test
    void shouldEndWhenItsSocketIsRemoved() throws Exception {
        // Given
        CountDownLatch ended = new CountDownLatch(1);
        Path socket = serve(ServerIdentity.ofThisProcess(), ended);

        // When
        Files.delete(socket);

        // Then: its watch (every 2 s) sees it and ends it; a client then finds no server
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ask(socket, ServerIdentity.ofThisProcess(), "build", "--version").served().code()).isEmpty();
    }

    @Test
    void shouldNotStartASecondServerOnASocketThatIsServed() throws Exception {
        // Given
        ServerIdentity me = ServerIdentity.ofThisProcess();
        Path socket = serve(me, new CountDownLatch(1));

        // When / Then
        assertThat(Server.start(me, socket, Duration.ofMinutes(1), () -> { })).isEmpty();
    }

    @Test
    void shouldTakeTheOwnIdentityOfThisProcessWithoutTheWrappersRequestFile() {
        ServerIdentity me = ServerIdentity.ofThisProcess();

        assertThat(me.text()).contains("cwd=" + System.getProperty("user.dir")).contains("Groups=").contains("Umask=")
                .doesNotContain("env _=").doesNotContain("-Dmultiarch.");
        assertThat(me).isEqualTo(ServerIdentity.ofThisProcess());
    }

    @Test
    void shouldRemoveOnlyTheLogsOfEndedServersNotWrittenForAWeek() throws Exception {
        Path old = Files.writeString(dir.resolve("server-0000000000000001.log"), "ended long ago\n");
        Path recent = Files.writeString(dir.resolve("server-0000000000000002.log"), "ended today\n");
        Path serving = Files.writeString(dir.resolve("server-0000000000000003.log"), "serving for two weeks\n");
        Files.writeString(dir.resolve("server-0000000000000003.sock"), "");
        java.nio.file.attribute.FileTime twoWeeks = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofDays(14)));
        Files.setLastModifiedTime(old, twoWeeks);
        Files.setLastModifiedTime(serving, twoWeeks);

        Server.removeOldLogs(dir);

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
        assertThat(serving).exists();
    }

    @Test
    void shouldServeOnlyRealBuilds() {
        assertThat(Client.servable(List.of("build", "ctx", "--image", "r/i"))).isTrue();
        assertThat(Client.servable(List.of("build", "ctx", "--dry-run"))).isFalse();
        assertThat(Client.servable(List.of("build", "--help"))).isFalse();
        assertThat(Client.servable(List.of("doctor"))).isFalse();
        assertThat(Client.servable(List.of())).isFalse();
    }

    @Test
    void shouldReadTheIdleTimeInMinutes() {
        assertThat(Server.idle("3")).isEqualTo(Duration.ofMinutes(3));
        assertThat(Server.idle(null)).isEqualTo(Server.DEFAULT_IDLE);
        assertThat(Server.idle("soon")).isEqualTo(Server.DEFAULT_IDLE);
        assertThat(Server.idle("0")).isEqualTo(Server.DEFAULT_IDLE);
    }
}
