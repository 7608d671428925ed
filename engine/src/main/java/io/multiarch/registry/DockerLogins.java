package io.multiarch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.multiarch.docker.Json;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.process.CommandRunner;
import io.multiarch.process.OutputListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The logins of the docker configuration, found as the docker CLI finds them: {@code credHelpers}, {@code credsStore}
 * (a helper run through the process seam, the host on standard input) and {@code auths}. What the docker CLI would
 * do otherwise (an identity token, a malformed entry, a failing helper) is a {@link RegistryUnsupported}. The
 * secrets it returns are never put in a message.
 */
final class DockerLogins {
    private final Path dockerConfigDir;
    private final CommandRunner runner;

    DockerLogins(Path dockerConfigDir, CommandRunner runner) {
        this.dockerConfigDir = dockerConfigDir;
        this.runner = runner;
    }

    /** User and password for a host from the docker configuration, as the docker CLI finds them; empty when none. */
    Optional<String[]> credentials(String host) throws IOException, InterruptedException {
        Path file = dockerConfigDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode config = Json.MAPPER.readTree(file.toFile());
        String key = host.equals("docker.io") ? "https://index.docker.io/v1/" : host;
        String helper = config.path("credHelpers").path(key).asText("");
        if (helper.isEmpty()) {
            helper = config.path("credsStore").asText("");
        }
        if (!helper.isEmpty()) {
            return fromHelper(helper, key);
        }
        JsonNode auths = config.path("auths");
        for (String k : List.of(key, "https://" + key, "http://" + key, "https://" + key + "/v1/", "https://" + key + "/v2/")) {
            JsonNode entry = auths.get(k);
            if (entry == null) {
                continue;
            }
            if (!entry.path("identitytoken").asText("").isEmpty()) {
                throw new RegistryUnsupported("the login for " + host + " is an identity token");
            }
            String auth = entry.path("auth").asText("");
            if (!auth.isEmpty()) {
                String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new RegistryUnsupported("the login for " + host + " in the docker configuration is not user:password");
                }
                return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
            }
            if (!entry.path("username").asText("").isEmpty()) {
                return Optional.of(new String[] {entry.path("username").asText(), entry.path("password").asText("")});
            }
        }
        return Optional.empty();
    }

    private Optional<String[]> fromHelper(String helper, String key) throws IOException, InterruptedException {
        Command get = Command.of(List.of("docker-credential-" + helper, "get")).withStdin(key).withTimeout(Duration.ofSeconds(30));
        CommandResult r = runner.run(get, OutputListener.NONE);
        if (!r.succeeded()) {
            if (r.stdout().contains("credentials not found") || r.stderr().contains("credentials not found")) {
                return Optional.empty();
            }
            throw new RegistryUnsupported("the credential helper docker-credential-" + helper + " failed (exit " + r.exitCode() + ")");
        }
        JsonNode answer = Json.MAPPER.readTree(r.stdout());
        String user = answer.path("Username").asText("");
        if (user.equals("<token>")) {
            throw new RegistryUnsupported("the login for " + key + " is an identity token");
        }
        return Optional.of(new String[] {user, answer.path("Secret").asText("")});
    }
}
