package io.multiarch.cli;

import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.build.AgentContext;
import io.multiarch.docker.DockerCli;
import io.multiarch.docker.Toolchain;
import io.multiarch.docker.ToolchainProbe;
import io.multiarch.platform.Platform;
import io.multiarch.process.LocalFileAccess;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.KeyValues;
import io.multiarch.request.Violation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code --endpoint P=HOST|CONTEXT}: platforms sent to other docker daemons, each probed before anything is built. */
final class Endpoints {

    private Endpoints() {
    }

    private static final Pattern CONTEXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");
    private static final Pattern DOCKER_HOST = Pattern.compile("(unix|tcp|ssh)://[^\\s\\x00-\\x1f]{1,1000}");

    /** {@code --endpoint P=VALUE}: P one of the requested platforms, VALUE a DOCKER_HOST URL or a context name. */
    static Map<Platform, String> parse(List<String> endpoints, BuildRequest request) {
        List<Violation> violations = new ArrayList<>();
        Map<Platform, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : KeyValues.parse("endpoint", endpoints, violations).entrySet()) {
            Platform p;
            try {
                p = Platform.parse(e.getKey());
            } catch (IllegalArgumentException ex) {
                violations.add(new Violation("endpoint", e.getKey() + "=" + e.getValue(), ex.getMessage()));
                continue;
            }
            if (!request.platforms().contains(p)) {
                violations.add(new Violation("endpoint", e.getKey() + "=" + e.getValue(), p + " is not one of the platforms " + request.platforms()));
            } else if (map.containsKey(p)) {
                violations.add(new Violation("endpoint", e.getKey() + "=" + e.getValue(), p + " has an endpoint already"));
            } else if (!DOCKER_HOST.matcher(e.getValue()).matches() && !CONTEXT_NAME.matcher(e.getValue()).matches()) {
                violations.add(new Violation("endpoint", e.getKey() + "=" + e.getValue(),
                        "expected a DOCKER_HOST value (unix://, tcp://, ssh://) or a docker context name"));
            } else {
                map.put(p, e.getValue());
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return map;
    }

    /**
     * An agent per platform sent elsewhere, one per endpoint, its toolchain probed and its dead runs' containers
     * removed.
     *
     * @throws Stopped when an endpoint cannot be used (said on the console), with the exit code
     */
    static Map<Platform, AgentContext> connect(Map<Platform, String> endpoints, Session session, AgentContext local)
            throws Stopped {
        Map<Platform, AgentContext> agents = new HashMap<>();
        Map<String, AgentContext> byEndpoint = new HashMap<>();
        for (Map.Entry<Platform, String> e : endpoints.entrySet()) {
            String endpoint = e.getValue();
            AgentContext remote = byEndpoint.get(endpoint);
            if (remote == null) {
                boolean isHost = endpoint.contains("://");
                DockerCli cli = session.docker(Map.of(isHost ? "DOCKER_HOST" : "DOCKER_CONTEXT", endpoint));
                try {
                    Toolchain t = ToolchainProbe.probe(cli, endpoints.entrySet().stream()
                            .filter(x -> x.getValue().equals(endpoint)).map(Map.Entry::getKey).toList());
                    session.out().println("endpoint " + endpoint + ": " + t.describe());
                    Orphans.remove(cli, session.console());
                    remote = new AgentContext(endpoint, cli, new LocalFileAccess(), t,
                            isHost ? BinfmtTable.dirForDaemon(endpoint) : "", session.console(), local.registry(), session.timeline());
                    byEndpoint.put(endpoint, remote);
                } catch (IOException | InterruptedException ex) {
                    throw session.probeFailed(ex, "the docker endpoint " + endpoint + " for " + e.getKey() + " cannot be used");
                }
            }
            agents.put(e.getKey(), remote);
        }
        return agents;
    }
}
