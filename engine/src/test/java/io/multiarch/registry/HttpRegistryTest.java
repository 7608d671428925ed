package io.multiarch.registry;

import com.sun.net.httpserver.HttpServer;
import io.multiarch.buildx.Manifest;
import io.multiarch.process.ScriptedRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP registry client against a small distribution-API server on a loopback port: what it asks, how it logs in
 * (Basic from the docker configuration, Bearer through the token service), 404 as absent, 5xx asked again.
 */
class HttpRegistryTest {
    private static final String INDEX = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}";

    @TempDir
    Path config;

    private HttpServer server;
    private String host;
    private final Map<String, String> manifests = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile String requiredAuth;
    private volatile String challenge;

    @BeforeEach
    void setUp() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", ex -> {
            requests.add("TOKEN " + ex.getRequestURI().getRawQuery() + " " + ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"token\":\"tok123\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/v2/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + auth + " "
                    + ex.getRequestHeaders().getFirst(ex.getRequestMethod().equals("PUT") ? "Content-Type" : "Accept"));
            if (requiredAuth != null && !requiredAuth.equals(auth)) {
                ex.getResponseHeaders().add("WWW-Authenticate", challenge);
                ex.sendResponseHeaders(401, -1);
                ex.close();
                return;
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ex.sendResponseHeaders(500, -1);
                ex.close();
                return;
            }
            String ref = ex.getRequestURI().getPath().replaceFirst("^/v2/demo/hello/manifests/", "");
            if (ex.getRequestMethod().equals("PUT")) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                manifests.put(ref, body);
                manifests.put(Manifest.digestOf(body), body);
                ex.getResponseHeaders().add("Docker-Content-Digest", Manifest.digestOf(body));
                ex.sendResponseHeaders(201, -1);
                ex.close();
                return;
            }
            String body = manifests.get(ref);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.start();
        host = "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private HttpRegistry registry() {
        return new HttpRegistry(config, new ScriptedRunner());
    }

    @Test
    void shouldReadAManifestExactlyAsServedAndAnAbsentTagAsEmpty() throws Exception {
        manifests.put("1.0", INDEX);

        assertThat(registry().read(host + "/demo/hello:1.0")).contains(INDEX);
        assertThat(registry().read(host + "/demo/hello:nope")).isEmpty();
        assertThat(requests.get(0)).startsWith("GET /v2/demo/hello/manifests/1.0 null ")
                .contains("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.v2+json");
    }

    @Test
    void shouldReadAnImagesConfigurationFromTheBlobItsManifestNamesFollowingARedirectToStorage() throws Exception {
        // Given an image manifest whose config blob the registry serves from its storage, by a redirect
        String config = "{\"architecture\":\"arm64\",\"history\":[{\"created_by\":\"RUN make\"}]}";
        String configDigest = Manifest.digestOf(config);
        String image = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length() + "},\"layers\":[]}";
        manifests.put(Manifest.digestOf(image), image);
        server.createContext("/v2/demo/hello/blobs/", ex -> {
            requests.add("GET " + ex.getRequestURI().getPath());
            ex.getResponseHeaders().add("Location", "http://" + host + "/storage/" + configDigest);
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        server.createContext("/storage/", ex -> {
            requests.add("STORAGE " + ex.getRequestURI().getPath());
            byte[] bytes = ex.getRequestURI().getPath().endsWith(configDigest) ? config.getBytes(StandardCharsets.UTF_8) : new byte[0];
            ex.sendResponseHeaders(bytes.length > 0 ? 200 : 404, bytes.length > 0 ? bytes.length : -1);
            ex.getResponseBody().write(bytes);
            ex.close();
        });

        // When / Then
        assertThat(registry().readConfig(host + "/demo/hello@" + Manifest.digestOf(image))).contains(config);
        assertThat(requests).extracting(r -> r.split(" ")[0] + " " + r.split(" ")[1]).containsExactly(
                "GET /v2/demo/hello/manifests/" + Manifest.digestOf(image),
                "GET /v2/demo/hello/blobs/" + configDigest,
                "STORAGE /storage/" + configDigest);
        assertThat(registry().readConfig(host + "/demo/hello@sha256:" + "0".repeat(64))).isEmpty();
        manifests.put("1.0", INDEX);
        assertThatThrownBy(() -> registry().readConfig(host + "/demo/hello:1.0")).hasMessageContaining("names no config");
    }

    @Test
    void shouldReadAConfigBlobStraightAwayWhenTheCallerNamesItsDigest() throws Exception {
        // Given a config blob in the repository
        String config = "{\"architecture\":\"s390x\",\"history\":[{\"created_by\":\"RUN make\"}]}";
        String configDigest = Manifest.digestOf(config);
        server.createContext("/v2/demo/hello/blobs/", ex -> {
            requests.add("GET " + ex.getRequestURI().getPath());
            byte[] bytes = ex.getRequestURI().getPath().endsWith(configDigest) ? config.getBytes(StandardCharsets.UTF_8) : new byte[0];
            ex.sendResponseHeaders(bytes.length > 0 ? 200 : 404, bytes.length > 0 ? bytes.length : -1);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        String image = host + "/demo/hello@sha256:" + "1".repeat(64);

        // When the caller has read the image's manifest and names the config's digest
        // Then the blob is read without asking for the manifest again; an absent blob is empty
        assertThat(registry().readConfig(image, configDigest)).contains(config);
        assertThat(registry().readConfig(image, "sha256:" + "2".repeat(64))).isEmpty();
        assertThat(requests).extracting(r -> r.split(" ")[0] + " " + r.split(" ")[1]).containsExactly(
                "GET /v2/demo/hello/blobs/" + configDigest,
                "GET /v2/demo/hello/blobs/sha256:" + "2".repeat(64));
    }

    @Test
    void shouldNotSendTheRegistrysLoginToStorageOnAnotherHost() throws Exception {
        // Given a registry that asks for a login and serves its blobs by a redirect to storage on another host name
        String basic = "Basic " + Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8));
        requiredAuth = basic;
        challenge = "Basic realm=\"registry\"";
        Files.writeString(config.resolve("config.json"), "{\"auths\":{\"" + host + "\":{\"username\":\"ci\",\"password\":\"s3cret\"}}}");
        String config = "{\"architecture\":\"amd64\"}";
        String configDigest = Manifest.digestOf(config);
        String image = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length() + "},\"layers\":[]}";
        manifests.put("1.0", image);
        String storage = "localhost:" + server.getAddress().getPort();
        server.createContext("/v2/demo/hello/blobs/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            requests.add("BLOB " + ex.getRequestURI().getPath() + " " + auth);
            if (!basic.equals(auth)) {
                ex.getResponseHeaders().add("WWW-Authenticate", challenge);
                ex.sendResponseHeaders(401, -1);
            } else {
                // a relative redirect on the registry's own host first, then to the storage host
                ex.getResponseHeaders().add("Location", ex.getRequestURI().getQuery() == null
                        ? "/v2/demo/hello/blobs/" + configDigest + "?hop=2" : "http://" + storage + "/storage/" + configDigest + "?sig=x");
                ex.sendResponseHeaders(307, -1);
            }
            ex.close();
        });
        server.createContext("/storage/", ex -> {
            requests.add("STORAGE " + ex.getRequestHeaders().getFirst("Host") + " " + ex.getRequestHeaders().getFirst("Authorization"));
            byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });

        // When
        assertThat(registry().readConfig(host + "/demo/hello:1.0")).contains(config);

        // Then the registry's requests carried the login, and the storage's did not
        assertThat(requests).filteredOn(r -> r.startsWith("BLOB ")).last().asString().endsWith(" " + basic);
        assertThat(requests).filteredOn(r -> r.startsWith("BLOB ")).hasSize(2);
        assertThat(requests).filteredOn(r -> r.startsWith("STORAGE ")).containsExactly("STORAGE " + storage + " null");
    }

    @Test
    void shouldFollowRedirectsOnlySoFarAndNeverFromHttpsToHttp() throws Exception {
        server.createContext("/v2/demo/hello/blobs/", ex -> {
            ex.getResponseHeaders().add("Location", ex.getRequestURI().getPath());
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        manifests.put("1.0", "{\"config\":{\"digest\":\"sha256:" + "0".repeat(64) + "\"}}");

        assertThatThrownBy(() -> registry().readConfig(host + "/demo/hello:1.0")).hasMessageContaining("redirected more than 5 times");
        assertThat(requests).filteredOn(r -> r.startsWith("GET /v2/demo/hello/manifests/")).hasSize(1);

        URI registry = URI.create("https://registry.example.com/v2/a/blobs/sha256:1");
        assertThat(HttpRegistry.redirect(registry, "/storage/1")).hasToString("https://registry.example.com/storage/1");
        assertThat(HttpRegistry.redirect(registry, "https://blobs.example.net/x?sig=1")).hasToString("https://blobs.example.net/x?sig=1");
        assertThatThrownBy(() -> HttpRegistry.redirect(registry, "http://blobs.example.net/x?sig=1"))
                .hasMessageContaining("from HTTPS to plain HTTP (blobs.example.net)").hasMessageNotContaining("sig=1");
        assertThatThrownBy(() -> HttpRegistry.redirect(registry, "file:///etc/passwd")).hasMessageContaining("not HTTP(S)");
        assertThat(HttpRegistry.sameOrigin(registry, URI.create("https://registry.example.com:443/storage"))).isTrue();
        assertThat(HttpRegistry.sameOrigin(registry, URI.create("https://registry.example.com:5000/storage"))).isFalse();
        assertThat(HttpRegistry.sameOrigin(registry, URI.create("http://registry.example.com/storage"))).isFalse();
    }

    @Test
    void shouldPutAnIndexUnderATagWithItsMediaTypeSoThatItsDigestStays() throws Exception {
        registry().write(host + "/demo/hello:latest", INDEX);

        assertThat(manifests.get("latest")).isEqualTo(INDEX);
        assertThat(requests).containsExactly("PUT /v2/demo/hello/manifests/latest null application/vnd.oci.image.index.v1+json");
        assertThat(Manifest.digestOf(registry().read(host + "/demo/hello:latest").orElseThrow())).isEqualTo(Manifest.digestOf(INDEX));
    }

    @Test
    void shouldAskAgainAfterAServerError() throws Exception {
        manifests.put("1.0", INDEX);
        failNext.set(2);

        assertThat(registry().read(host + "/demo/hello:1.0")).contains(INDEX);
        assertThat(requests).hasSize(3);
    }

    @Test
    void shouldNotPutAgainAfterAServerError() {
        // a failed PUT fails the publish, which moves its tags back and says so, as with imagetools
        failNext.set(1);

        assertThatThrownBy(() -> registry().write(host + "/demo/hello:latest", INDEX)).hasMessageContaining("answered 500");
        assertThat(requests).hasSize(1);
        assertThat(manifests).isEmpty();
    }

    @Test
    void shouldFailWhenServerErrorsPersist() {
        failNext.set(10);

        assertThatThrownBy(() -> registry().read(host + "/demo/hello:1.0")).hasMessageContaining("answered 500")
                .isNotInstanceOf(RegistryUnsupported.class);
    }

    @Test
    void shouldLogInWithBasicFromTheDockerConfiguration() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8));
        requiredAuth = basic;
        challenge = "Basic realm=\"registry\"";
        Files.writeString(config.resolve("config.json"), "{\"auths\":{\"" + host + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        manifests.put("1.0", INDEX);

        HttpRegistry registry = registry();
        assertThat(registry.read(host + "/demo/hello:1.0")).contains(INDEX);
        assertThat(registry.read(host + "/demo/hello:1.0")).contains(INDEX);

        // the second read sends the login at once
        assertThat(requests).hasSize(3);
        assertThat(requests.get(2)).contains(basic);
    }

    @Test
    void shouldGetABearerTokenForTheRepositoryWithTheLogin() throws Exception {
        requiredAuth = "Bearer tok123";
        challenge = "Bearer realm=\"http://" + host + "/token\",service=\"reg\",scope=\"repository:demo/hello:pull\"";
        Files.writeString(config.resolve("config.json"), "{\"auths\":{\"" + host + "\":{\"username\":\"ci\",\"password\":\"pw\"}}}");

        registry().write(host + "/demo/hello:latest", INDEX);

        assertThat(manifests.get("latest")).isEqualTo(INDEX);
        assertThat(requests).anySatisfy(r -> assertThat(r).startsWith("TOKEN service=reg&scope=repository%3Ademo%2Fhello%3Apull%2Cpush Basic "));
        assertThat(requests.get(requests.size() - 1)).startsWith("PUT /v2/demo/hello/manifests/latest Bearer tok123");
    }

    @Test
    void shouldLeaveToImagetoolsWhatItCannotDoAsDockerWould() throws Exception {
        requiredAuth = "never";
        challenge = "Negotiate";
        assertThatThrownBy(() -> registry().read(host + "/demo/hello:1.0")).isInstanceOf(RegistryUnsupported.class)
                .hasMessageContaining("Negotiate");

        Files.writeString(config.resolve("config.json"), "{\"auths\":{\"" + host + "\":{\"identitytoken\":\"x\"}}}");
        challenge = "Basic realm=\"r\"";
        assertThatThrownBy(() -> registry().read(host + "/demo/hello:1.0")).isInstanceOf(RegistryUnsupported.class)
                .hasMessageContaining("identity token").hasMessageNotContaining("x\"");

        server.stop(0);
        assertThatThrownBy(() -> registry().read(host + "/demo/hello:1.0")).isInstanceOf(RegistryUnsupported.class)
                .hasMessageContaining("cannot reach http://" + host);
    }

    @Test
    void shouldReadReferencesAsDockerDoes() {
        assertThat(HttpRegistry.Ref.parse("127.0.0.1:5000/demo/hello:1.0"))
                .isEqualTo(new HttpRegistry.Ref("127.0.0.1:5000", "demo/hello", "1.0"));
        assertThat(HttpRegistry.Ref.parse("localhost:5000/a@sha256:abc")).isEqualTo(new HttpRegistry.Ref("localhost:5000", "a", "sha256:abc"));
        HttpRegistry.Ref hub = HttpRegistry.Ref.parse("docker.io/library/busybox:latest");
        assertThat(hub.manifestUri()).hasToString("https://registry-1.docker.io/v2/library/busybox/manifests/latest");
        assertThat(HttpRegistry.Ref.parse("registry.example.com:443/team/app:v1").manifestUri())
                .hasToString("https://registry.example.com:443/v2/team/app/manifests/v1");
        assertThat(HttpRegistry.Ref.parse("127.0.0.1:5000/demo/hello:1.0").manifestUri())
                .hasToString("http://127.0.0.1:5000/v2/demo/hello/manifests/1.0");
    }

    @Test
    void shouldNotBeUsedBehindAProxy() {
        assertThat(HttpRegistry.proxied(Map.of("https_proxy", "http://proxy:3128"))).isTrue();
        assertThat(HttpRegistry.proxied(Map.of("HTTP_PROXY", "http://proxy:3128"))).isTrue();
        assertThat(HttpRegistry.proxied(Map.of("PATH", "/usr/bin"))).isFalse();
    }
}
