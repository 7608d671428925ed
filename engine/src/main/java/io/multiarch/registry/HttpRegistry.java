package io.multiarch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.multiarch.docker.Json;
import io.multiarch.process.CommandRunner;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link Registry} that speaks the OCI distribution API over HTTP itself ({@code GET} and {@code PUT
 * /v2/<repo>/manifests/<ref>}): a question costs a round trip, where {@code imagetools} costs a process and a
 * plugin start. It logs in as the docker CLI would, from the docker configuration ({@code $DOCKER_CONFIG/config.json}
 * or {@code ~/.docker/config.json}: {@code auths}, {@code credsStore}, {@code credHelpers}, the helpers run through the
 * process seam with the host on standard input), with Basic or Bearer-token authentication. Loopback registries
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}) are spoken to over plain HTTP, as docker treats them as
 * insecure; every other one over HTTPS. Whatever it cannot do as the docker CLI would (a TLS or connection failure, an
 * identity token, another authentication scheme) is a {@link RegistryUnsupported}, for {@link FallbackRegistry}.
 * Credentials and tokens never leave this object: no message holds them.
 */
public final class HttpRegistry implements Registry {
    /** What a manifest GET accepts: OCI and Docker indexes and image manifests. */
    static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    /**
     * A GET is asked again this many times after a 5xx answer. A PUT is not: a publish that fails is rolled back and
     * says so, as it does with imagetools.
     */
    private static final int SERVER_ERROR_RETRIES = 2;

    private final HttpClient client;
    private final DockerLogins logins;
    /** Authorization header per host and repository, once a challenge was answered. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    /**
     * @param dockerConfigDir the docker configuration directory the docker CLI uses ({@code DOCKER_CONFIG})
     * @param runner          runs credential helpers ({@code docker-credential-<name> get})
     */
    public HttpRegistry(Path dockerConfigDir, CommandRunner runner) {
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.logins = new DockerLogins(dockerConfigDir, runner);
    }

    /** The docker configuration directory of an environment: {@code DOCKER_CONFIG}, else {@code ~/.docker}. */
    public static Path dockerConfigDir(Map<String, String> env) {
        String dir = env.get("DOCKER_CONFIG");
        return dir != null && !dir.isEmpty() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
    }

    /** Whether this environment sends registry traffic through a proxy, which the docker CLI honours and this class does not. */
    public static boolean proxied(Map<String, String> env) {
        for (String name : List.of("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")) {
            if (!env.getOrDefault(name, "").isEmpty() || !env.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), "").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** A reference split into host, repository path and tag or digest. */
    record Ref(String host, String repository, String reference) {
        static Ref parse(String value) {
            String rest = value;
            String host = "docker.io";
            int slash = value.indexOf('/');
            if (slash > 0) {
                String first = value.substring(0, slash);
                if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                    host = first;
                    rest = value.substring(slash + 1);
                }
            }
            String ref;
            int at = rest.indexOf('@');
            if (at >= 0) {
                ref = rest.substring(at + 1);
                rest = rest.substring(0, at);
            } else {
                int colon = rest.lastIndexOf(':');
                if (colon < 0 || colon < rest.lastIndexOf('/')) {
                    throw new IllegalArgumentException("no tag or digest in " + value);
                }
                ref = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            if (host.equals("docker.io") && !rest.contains("/")) {
                rest = "library/" + rest;
            }
            return new Ref(host, rest, ref);
        }

        /** The host the API is at: Docker Hub's API host for {@code docker.io}. */
        String apiHost() {
            return host.equals("docker.io") ? "registry-1.docker.io" : host;
        }

        boolean loopback() {
            String h = host.replaceFirst(":[0-9]+$", "");
            return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]");
        }

        URI manifestUri() {
            return URI.create((loopback() ? "http" : "https") + "://" + apiHost() + "/v2/" + repository + "/manifests/" + reference);
        }

        URI blobUri(String digest) {
            return URI.create((loopback() ? "http" : "https") + "://" + apiHost() + "/v2/" + repository + "/blobs/" + digest);
        }
    }

    @Override
    public Optional<String> read(String reference) throws IOException, InterruptedException {
        Ref ref = Ref.parse(reference);
        HttpResponse<byte[]> r = send(ref, SERVER_ERROR_RETRIES, () -> HttpRequest.newBuilder(ref.manifestUri()).timeout(TIMEOUT)
                .header("Accept", ACCEPT).GET());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + ref.manifestUri() + " answered " + r.statusCode() + ": " + brief(r));
        }
        return Optional.of(new String(r.body(), StandardCharsets.UTF_8).strip());
    }

    /**
     * The image's {@code config} blob, by the digest its manifest names (a redirect to the registry's storage is
     * followed; where that storage refuses the request, {@link FallbackRegistry} asks imagetools).
     */
    @Override
    public Optional<String> readConfig(String reference) throws IOException, InterruptedException {
        Optional<String> manifest = read(reference);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        JsonNode digest = Json.MAPPER.readTree(manifest.get()).path("config").path("digest");
        if (!digest.isTextual()) {
            throw new IOException(reference + " is not an image manifest: it names no config");
        }
        Ref ref = Ref.parse(reference);
        URI blob = ref.blobUri(digest.asText());
        HttpResponse<byte[]> r = send(ref, SERVER_ERROR_RETRIES, () -> HttpRequest.newBuilder(blob).timeout(TIMEOUT).GET());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + blob + " answered " + r.statusCode() + ": " + brief(r));
        }
        return Optional.of(new String(r.body(), StandardCharsets.UTF_8).strip());
    }

    /** Connects to the registry's API root ({@code GET /v2/}), so that the first manifest question finds the client ready. */
    @Override
    public void prepare(String repository) {
        try {
            Ref ref = Ref.parse(repository + ":x");
            URI root = URI.create((ref.loopback() ? "http" : "https") + "://" + ref.apiHost() + "/v2/");
            client.send(HttpRequest.newBuilder(root).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            // the first real question says what is wrong
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean writes() {
        return true;
    }

    @Override
    public void write(String reference, String manifest) throws IOException, InterruptedException {
        Ref ref = Ref.parse(reference);
        String mediaType = Optional.ofNullable(Json.MAPPER.readTree(manifest).get("mediaType")).map(JsonNode::asText)
                .orElse("application/vnd.oci.image.index.v1+json");
        byte[] body = manifest.getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = send(ref, 0, () -> HttpRequest.newBuilder(ref.manifestUri()).timeout(TIMEOUT)
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw new IOException("PUT " + ref.manifestUri() + " answered " + r.statusCode() + ": " + brief(r));
        }
    }

    private interface RequestFactory {
        HttpRequest.Builder create();
    }

    /** Sends a request, answering an authentication challenge once, asking again on a 5xx up to {@code retries} times. */
    private HttpResponse<byte[]> send(Ref ref, int retries, RequestFactory factory) throws IOException, InterruptedException {
        String key = ref.apiHost() + "/" + ref.repository();
        HttpResponse<byte[]> r = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            r = sendOnce(factory, authorizations.get(key));
            if (r.statusCode() == 401) {
                authorizations.put(key, authorize(ref, r));
                r = sendOnce(factory, authorizations.get(key));
            }
            if (r.statusCode() < 500) {
                return r;
            }
        }
        return r;
    }

    private HttpResponse<byte[]> sendOnce(RequestFactory factory, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = factory.create();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpRequest request = b.build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException | javax.net.ssl.SSLException e) {
            throw new RegistryUnsupported("cannot reach " + request.uri().getScheme() + "://" + request.uri().getAuthority()
                    + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /** The Authorization header that answers a 401's challenge. */
    private String authorize(Ref ref, HttpResponse<byte[]> challenged) throws IOException, InterruptedException {
        String header = challenged.headers().firstValue("WWW-Authenticate").orElse("");
        String scheme = header.split(" ", 2)[0];
        Optional<String[]> login = logins.credentials(ref.host());
        if (scheme.equalsIgnoreCase("Basic")) {
            String[] l = login.orElseThrow(() -> new IOException("the registry " + ref.host() + " asks for a login, and the "
                    + "docker configuration has none for it (docker login " + ref.host() + ")"));
            return basic(l);
        }
        if (!scheme.equalsIgnoreCase("Bearer")) {
            throw new RegistryUnsupported("the registry " + ref.host() + " asks for '" + scheme + "' authentication");
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(header);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryUnsupported("the registry " + ref.host() + " sent a Bearer challenge without realm");
        }
        StringBuilder uri = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            uri.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        uri.append("scope=").append(URLEncoder.encode("repository:" + ref.repository() + ":pull,push", StandardCharsets.UTF_8));
        HttpRequest.Builder tokenRequest = HttpRequest.newBuilder(URI.create(uri.toString())).timeout(TIMEOUT).GET();
        login.ifPresent(l -> tokenRequest.header("Authorization", basic(l)));
        HttpResponse<byte[]> r;
        try {
            r = client.send(tokenRequest.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException | javax.net.ssl.SSLException e) {
            throw new RegistryUnsupported("cannot reach the token service of " + ref.host(), e);
        }
        if (r.statusCode() != 200) {
            throw new IOException("the token service of " + ref.host() + " answered " + r.statusCode());
        }
        JsonNode answer = Json.MAPPER.readTree(r.body());
        JsonNode token = answer.hasNonNull("token") ? answer.get("token") : answer.get("access_token");
        if (token == null || token.asText().isEmpty()) {
            throw new IOException("the token service of " + ref.host() + " sent no token");
        }
        return "Bearer " + token.asText();
    }

    private static String basic(String[] login) {
        return "Basic " + Base64.getEncoder().encodeToString((login[0] + ":" + login[1]).getBytes(StandardCharsets.UTF_8));
    }

    private static String brief(HttpResponse<byte[]> r) {
        String body = new String(r.body(), StandardCharsets.UTF_8).strip();
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
