package io.jenkins.plugins.multiarch;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import hudson.util.Secret;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Build secrets from Jenkins credentials, for real (Docker, buildx, QEMU and the local registry, see
 * {@link LocalToolchain}): the {@code RUN --mount=type=secret} steps see the values, and the values are nowhere else
 * a user or an attacker could look: the log, every file of the job and its builds (build.xml, the flow's XML, the
 * JUnit result), the agents' workspaces, any process's command line during the build, the image's history and
 * configuration, and every manifest and layer the registry holds for the repository, its cache included.
 */
@WithJenkins
class MultiArchImageSecretsTest {

    @BeforeAll
    static void toolchain() throws Exception {
        LocalToolchain.require();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void shouldHandTheCredentialsToRunMountSecretAndLeaveTheValuesNowhereElse(JenkinsRule r) throws Exception {
        // Given: a secret text and a secret file; the Dockerfile checks the first by its hash (a wrong or missing
        // value fails the build) and records the hash of the second, which the test prints
        String token = "tok-" + UUID.randomUUID();
        byte[] key = ("key-" + UUID.randomUUID() + "\n").getBytes(StandardCharsets.UTF_8);
        String keyText = new String(key, StandardCharsets.UTF_8).strip();
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL,
                "npm-token", "", Secret.fromString(token)));
        SystemCredentialsProvider.getInstance().getCredentials().add(new FileCredentialsImpl(CredentialsScope.GLOBAL,
                "signing-key", "", "key.pem", SecretBytes.fromBytes(key)));
        SystemCredentialsProvider.getInstance().save();
        MultiArchImageConfiguration.get().setEmulationLabel("emulation");
        r.createSlave("caller-agent", "caller", null);
        DumbSlave emulation = r.createSlave("emulation-agent", "emulation", null);
        String repository = LocalToolchain.newRepository("secrets");
        String dockerfile = "FROM busybox\\nARG SEED\\n"
                + "RUN --mount=type=secret,id=token,required=true --mount=type=secret,id=key,required=true"
                + " echo $SEED && [ \"$(sha256sum < /run/secrets/token | cut -c1-64)\" = " + sha256(token.getBytes(StandardCharsets.UTF_8))
                + " ] && sha256sum < /run/secrets/key | cut -c1-64 > /key.sha\\n";
        WorkflowJob job = r.createProject(WorkflowJob.class, "secrets");
        job.setDefinition(new CpsFlowDefinition("node('caller') {\n"
                + "  writeFile file: 'app/Dockerfile', text: '" + dockerfile + "'\n"
                + "  multiArchImage(image: '" + LocalToolchain.REGISTRY + "/" + repository + "', tags: ['it'], context: 'app',"
                + " platforms: ['linux/amd64', 'linux/arm64'], test: 'echo KEYSHA=$(cat /key.sha)',"
                + " buildArgs: [SEED: '" + System.nanoTime() + "'],"
                + " secrets: [[id: 'token', credentialsId: 'npm-token'], [id: 'key', credentialsId: 'signing-key']])\n"
                + "}", true));
        List<String> values = List.of(token, keyText);
        Set<String> argvHits = ConcurrentHashMap.newKeySet();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                argvHits.addAll(commandLinesWith(values));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "argv-sampler");
        List<String> dirsBefore = privateDirs();

        // When
        sampler.start();
        WorkflowRun run;
        try {
            run = r.buildAndAssertStatus(Result.SUCCESS, job);
        } finally {
            sampling.set(false);
            sampler.join(10_000);
        }

        // Then: the build used both values (the token's check passed; the key's hash came out of each image)
        assertThat(LocalToolchain.platforms(repository, "it")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        String log = JenkinsRule.getLog(run);
        assertThat(log).contains("KEYSHA=" + sha256(key)).contains("--secret id=token,src=", "--secret id=key,src=")
                .contains("Build secret(s) token, key written");
        assertThat(log.split("KEYSHA=" + sha256(key), -1).length - 1).as("both platforms' tests saw the key").isGreaterThanOrEqualTo(2);
        // and nowhere else
        for (String value : values) {
            assertThat(log).doesNotContain(value);
        }
        assertThat(argvHits).as("command lines holding a secret value").isEmpty();
        assertThat(filesContaining(job.getRootDir().toPath(), values)).as("files of the job and its build").isEmpty();
        assertThat(new java.io.File(run.getRootDir(), "build.xml")).content().contains("npm-token", "signing-key");
        for (DumbSlave agent : List.of(emulation, (DumbSlave) r.jenkins.getNode("caller-agent"))) {
            FilePath root = agent.getRootPath();
            assertThat(filesContaining(Path.of(root.getRemote()), values)).as("files on " + agent.getNodeName()).isEmpty();
        }
        assertThat(privateDirs()).as("the stages' private directories, secret files with them").isEqualTo(dirsBefore);
        String image = LocalToolchain.REGISTRY + "/" + repository + ":it";
        String history = docker("pull", "--platform", "linux/arm64", image)
                + docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
                + docker("image", "inspect", image);
        assertThat(history).contains("sha256sum < /run/secrets/token"); // the step is there, its secret is not
        for (String value : values) {
            assertThat(history).doesNotContain(value);
        }
        List<String> blobs = LocalToolchain.everyBlob(repository);
        assertThat(blobs).as("manifests, configs and layers").hasSizeGreaterThan(6)
                .anyMatch(b -> b.contains("key.sha"))
                .noneMatch(b -> values.stream().anyMatch(b::contains));
    }

    @Test
    void shouldRefuseSecretsWithBadIdsOrUnknownCredentialsBeforeAnythingRuns(JenkinsRule r) throws Exception {
        // Given
        WorkflowJob job = r.createProject(WorkflowJob.class, "bad-secrets");
        job.setDefinition(new CpsFlowDefinition("node {\n"
                + "  writeFile file: 'app/Dockerfile', text: 'FROM busybox'\n"
                + "  multiArchImage(image: 'registry.example/app', context: 'app', platforms: ['linux/amd64'],"
                + " secrets: [[id: '../etc', credentialsId: 'nope'], [id: 'a', credentialsId: ''], [id: 'a', credentialsId: 'nope2']])\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then: every problem named at once, nothing planned
        r.assertLogContains("secrets[0].id", run);
        r.assertLogContains("secrets[0].credentialsId", run);
        r.assertLogContains("no credentials nope of a kind a build secret can use", run);
        r.assertLogContains("secrets[1].credentialsId", run);
        r.assertLogContains("secrets[2].id", run);
        r.assertLogContains("names a secret given already", run);
        r.assertLogNotContains("planned", run);
        assertThat(run.getAction(MultiArchImageAction.class)).isNull();
    }

    private static List<String> privateDirs() throws IOException {
        try (Stream<Path> list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PrivateTempDir.PREFIX)).sorted().toList();
        }
    }

    /** Regular files under {@code dir} whose bytes hold one of {@code values}. */
    private static List<String> filesContaining(Path dir, List<String> values) throws IOException {
        List<String> hits = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return hits;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                if (values.stream().anyMatch(text::contains)) {
                    hits.add(f.toString());
                }
            }
        }
        return hits;
    }

    /** Pids and command lines of the processes on this machine whose command line holds one of {@code values}. */
    private static List<String> commandLinesWith(List<String> values) {
        List<String> hits = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (values.stream().anyMatch(cmdline::contains)) {
                        hits.add(d.getFileName() + ": " + cmdline.replace('\0', ' '));
                    }
                } catch (IOException gone) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            hits.add("cannot list /proc: " + e);
        }
        return hits;
    }

    private static String docker(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0).as(argv + ":\n" + out).isTrue();
        return out;
    }
}
