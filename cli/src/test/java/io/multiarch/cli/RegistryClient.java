package io.multiarch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the local test registry over its HTTP API, independently of the engine and of docker: what a user's
 * {@code docker pull} would see.
 */
final class RegistryClient {
    static final String HOST = "127.0.0.1:5000";
    private static final String ACCEPT = String.join(",",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String host;

    /** The shared local registry at {@value #HOST}. */
    RegistryClient() {
        this(HOST);
    }

    /** A registry of a test's own, e.g. {@code 127.0.0.1:41234}. */
    RegistryClient(String host) {
        this.host = host;
    }

    /** The digest a tag points at, or empty when the tag does not exist. */
    Optional<String> digest(String repository, String tag) throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(request(repository, tag).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new IOException("HEAD " + repository + ":" + tag + " answered " + r.statusCode());
        }
        return r.headers().firstValue("Docker-Content-Digest");
    }

    JsonNode manifest(String repository, String reference) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(repository, reference).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + repository + ":" + reference + " answered " + r.statusCode());
        }
        return json.readTree(r.body());
    }

    /** The platforms an index lists, as {@code os/arch[/variant]}, attestation entries left out. */
    List<String> platforms(String repository, String reference) throws IOException, InterruptedException {
        JsonNode index = manifest(repository, reference);
        List<String> list = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            JsonNode p = m.path("platform");
            if ("unknown".equals(p.path("os").asText())) {
                continue;
            }
            String variant = p.path("variant").asText("");
            list.add(p.path("os").asText() + "/" + p.path("architecture").asText() + (variant.isEmpty() ? "" : "/" + variant));
        }
        return list;
    }

    /** Every tag of a repository (the registry's tag list). */
    List<String> tags(String repository) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repository + "/tags/list"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return List.of();
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + repository + "/tags/list answered " + r.statusCode());
        }
        List<String> list = new ArrayList<>();
        json.readTree(r.body()).path("tags").forEach(t -> list.add(t.asText()));
        return list;
    }

    /** The image config of one platform's manifest: its {@code architecture} and {@code variant}. */
    JsonNode config(String repository, String manifestDigest) throws IOException, InterruptedException {
        JsonNode manifest = manifest(repository, manifestDigest);
        String configDigest = manifest.path("config").path("digest").asText();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repository + "/blobs/" + configDigest))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    /** A blob's bytes, as stored (compressed layers stay compressed). */
    byte[] blob(String repository, String digest) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repository + "/blobs/" + digest))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("GET blob " + repository + "@" + digest + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** A manifest's bytes exactly as the registry serves them. */
    byte[] rawManifest(String repository, String reference) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(repository, reference).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + repository + ":" + reference + " answered " + r.statusCode());
        }
        return r.body();
    }

    private HttpRequest.Builder request(String repository, String reference) {
        return HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repository + "/manifests/" + reference))
                .header("Accept", ACCEPT);
    }
}
