package io.multiarch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.multiarch.docker.Json;
import io.multiarch.process.CommandRunner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * plugin start. It uses {@link HttpURLConnection}, not {@code java.net.http.HttpClient}: no selector thread waits in
 * native code, so the JVM exits at once (not some 300 ms later), and a loopback registry sets up no TLS. It logs in as
 * the docker CLI would, from the docker configuration ({@code $DOCKER_CONFIG/config.json} or
 * {@code ~/.docker/config.json}: {@code auths}, {@code credsStore}, {@code credHelpers}, the helpers run through the
 * process seam with the host on standard input), with Basic or Bearer-token authentication. Loopback registries
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}) are spoken to over plain HTTP, as docker treats them as
 * insecure; every other one over HTTPS. A GET follows redirects (at most {@value #MAX_REDIRECTS}, never from HTTPS to
 * HTTP), and the registry's Authorization goes only to the registry's own scheme, host and port, not to storage
 * elsewhere, as with the docker CLI. Whatever it cannot do as the docker CLI would (a TLS or connection failure, an
 * identity token, another authentication scheme) is a {@link RegistryUnsupported}, for {@link FallbackRegistry}.
 * Credentials and tokens never leave this object: no message holds them.
 */
public final class HttpRegistry implements Registry {
    /** What a manifest GET accepts: OCI and Docker indexes and image manifests. */
    static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    /** Read timeout of an exchange, in milliseconds. */
    private static final int TIMEOUT = 60_000;
    private static final int CONNECT_TIMEOUT = 10_000;
    static final int MAX_REDIRECTS = 5;
    /** Answers no challenge itself, whatever authenticator the JVM has as default: this class answers them. */
    private static final Authenticator NO_AUTHENTICATOR = new Authenticator() {
    };
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    /**
     * A GET is asked again this many times after a 5xx answer. A PUT is not: a publish that fails is rolled back and
     * says so, as it does with imagetools.
     */
    private static final int SERVER_ERROR_RETRIES = 2;

    private final DockerLogins logins;
    /** Authorization header per host and repository, once a challenge was answered. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    /**
     * @param dockerConfigDir the docker configuration directory the docker CLI uses ({@code DOCKER_CONFIG})
     * @param runner          runs credential helpers ({@code docker-credential-<name> get})
     */
    public HttpRegistry(Path dockerConfigDir, CommandRunner runner) {
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
        Answer r = send(ref, SERVER_ERROR_RETRIES, new Request("GET", ref.manifestUri(), TIMEOUT, Map.of("Accept", ACCEPT), null));
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (r.status() != 200) {
            throw new IOException("GET " + ref.manifestUri() + " answered " + r.status() + ": " + r.brief());
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
        return readConfig(reference, digest.asText());
    }

    @Override
    public Optional<String> readConfig(String reference, String configDigest) throws IOException, InterruptedException {
        Ref ref = Ref.parse(reference);
        URI blob = ref.blobUri(configDigest);
        Answer r = send(ref, SERVER_ERROR_RETRIES, new Request("GET", blob, TIMEOUT, Map.of(), null));
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (r.status() != 200) {
            throw new IOException("GET " + blob + " answered " + r.status() + ": " + r.brief());
        }
        return Optional.of(new String(r.body(), StandardCharsets.UTF_8).strip());
    }

    /** Connects to the registry's API root ({@code GET /v2/}), so that the first manifest question finds a connection open. */
    @Override
    public void prepare(String repository) {
        try {
            Ref ref = Ref.parse(repository + ":x");
            URI root = URI.create((ref.loopback() ? "http" : "https") + "://" + ref.apiHost() + "/v2/");
            exchange(new Request("GET", root, CONNECT_TIMEOUT, Map.of(), null), null);
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
        Answer r = send(ref, 0, new Request("PUT", ref.manifestUri(), TIMEOUT, Map.of("Content-Type", mediaType), body));
        if (r.status() != 201 && r.status() != 200) {
            throw new IOException("PUT " + ref.manifestUri() + " answered " + r.status() + ": " + r.brief());
        }
    }

    /** One request: its method, where it goes, its read timeout, its headers but Authorization, and its body if any. */
    private record Request(String method, URI uri, int timeout, Map<String, String> headers, byte[] body) {
    }

    /** An answer: its status, its authentication challenge if any, and its whole body (empty when there is none). */
    private record Answer(int status, String challenge, byte[] body) {
        String brief() {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }
    }

    /** Sends a request, answering an authentication challenge once, asking again on a 5xx up to {@code retries} times. */
    private Answer send(Ref ref, int retries, Request request) throws IOException, InterruptedException {
        String key = ref.apiHost() + "/" + ref.repository();
        Answer r = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            r = exchange(request, authorizations.get(key));
            if (r.status() == 401) {
                authorizations.put(key, authorize(ref, r));
                r = exchange(request, authorizations.get(key));
            }
            if (r.status() < 500) {
                return r;
            }
        }
        return r;
    }

    /**
     * Sends one request and reads its whole answer, following a GET's redirects. The connection is left to the JDK's
     * keep-alive cache for the next request. Its IO cannot be interrupted: an interrupt is seen before and after.
     */
    private static Answer exchange(Request request, String authorization) throws IOException, InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        URI uri = request.uri();
        for (int hop = 0; ; hop++) {
            HttpURLConnection c;
            int status;
            try {
                c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
                c.setInstanceFollowRedirects(false);
                c.setUseCaches(false);
                c.setAuthenticator(NO_AUTHENTICATOR);
                c.setConnectTimeout(CONNECT_TIMEOUT);
                c.setReadTimeout(request.timeout());
                c.setRequestMethod(request.method());
                request.headers().forEach(c::setRequestProperty);
                if (authorization != null && sameOrigin(request.uri(), uri)) {
                    c.setRequestProperty("Authorization", authorization);
                }
                if (request.body() != null) {
                    // not in streaming mode: there, a 401 would be an HttpRetryException instead of an answer
                    c.setDoOutput(true);
                    try (OutputStream out = c.getOutputStream()) {
                        out.write(request.body());
                    }
                }
                status = c.getResponseCode();
            } catch (ConnectException | NoRouteToHostException | UnknownHostException | javax.net.ssl.SSLException e) {
                throw new RegistryUnsupported("cannot reach " + uri.getScheme() + "://" + uri.getRawAuthority()
                        + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
            }
            if (status < 0) {
                throw new IOException(request.method() + " " + request.uri() + " got no valid HTTP answer from "
                        + uri.getScheme() + "://" + uri.getRawAuthority());
            }
            byte[] body;
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                body = in == null ? new byte[0] : in.readAllBytes();
            }
            String location = c.getHeaderField("Location");
            if (request.method().equals("GET") && location != null && List.of(301, 302, 303, 307, 308).contains(status)) {
                if (hop == MAX_REDIRECTS) {
                    throw new IOException("GET " + request.uri() + " was redirected more than " + MAX_REDIRECTS + " times");
                }
                uri = redirect(uri, location);
                continue;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return new Answer(status, c.getHeaderField("WWW-Authenticate"), body);
        }
    }

    /**
     * Where a redirect from {@code from} to {@code location} (relative to it or not) goes; an IOException for a
     * scheme other than HTTP(S) and for HTTPS to plain HTTP, which is refused.
     */
    static URI redirect(URI from, String location) throws IOException {
        // messages name no query: a storage URL's may hold a signature
        String source = from.getScheme() + "://" + from.getRawAuthority() + from.getRawPath();
        URI next;
        try {
            next = from.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("GET " + source + " redirected to an invalid location");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IOException("GET " + source + " redirected to a location that is not HTTP(S) (" + scheme + ")");
        }
        if (from.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
            throw new IOException("GET " + source + " redirected from HTTPS to plain HTTP (" + next.getRawAuthority()
                    + "), which is refused");
        }
        return next;
    }

    /** Whether two URIs have the same scheme, host and port (an absent port being the scheme's own). */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** The Authorization header that answers a 401's challenge. */
    private String authorize(Ref ref, Answer challenged) throws IOException, InterruptedException {
        String header = Optional.ofNullable(challenged.challenge()).orElse("");
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
        Answer r;
        try {
            r = exchange(new Request("GET", URI.create(uri.toString()), TIMEOUT, Map.of(), null),
                    login.map(HttpRegistry::basic).orElse(null));
        } catch (RegistryUnsupported e) {
            throw new RegistryUnsupported("cannot reach the token service of " + ref.host(), e.getCause());
        }
        if (r.status() != 200) {
            throw new IOException("the token service of " + ref.host() + " answered " + r.status());
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
}
