package io.jenkins.plugins.multiarch;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.FilePath;
import hudson.model.FreeStyleBuild;
import hudson.util.Secret;
import io.multiarch.request.Violation;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The secret files of a stage, from each kind of credentials, on the controller's own channel. */
@WithJenkins
class SecretFilesTest {

    @Test
    void shouldWriteEachKindOfCredentialsToAPrivateFileAndDeleteThemOnClose(JenkinsRule r) throws Exception {
        // Given: secret text, secret file (bytes that are not UTF-8 text) and username with password
        byte[] binary = {0, (byte) 0xff, 'k', '\n'};
        SystemCredentialsProvider.getInstance().getCredentials().addAll(List.of(
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "text", "", Secret.fromString("t0ken")),
                new FileCredentialsImpl(CredentialsScope.GLOBAL, "file", "", "key.bin", SecretBytes.fromBytes(binary)),
                new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "login", "", "bot", "pa55")));
        FreeStyleBuild build = r.buildAndAssertSuccess(r.createFreeStyleProject());
        FilePath privateDir = PrivateTempDir.create(FilePath.localChannel);
        List<SecretRecord> secrets = List.of(new SecretRecord("npm", "text"), new SecretRecord("key", "file"),
                new SecretRecord("pw", "login"));

        // When
        Path dir;
        try (SecretFiles files = SecretFiles.write(secrets, build, privateDir)) {
            // Then: each value byte for byte, mode 600 in a mode 700 directory
            assertThat(files.paths()).containsOnlyKeys("npm", "key", "pw");
            assertThat(Path.of(files.paths().get("npm"))).hasContent("t0ken");
            assertThat(Files.readAllBytes(Path.of(files.paths().get("key")))).isEqualTo(binary);
            assertThat(Files.readString(Path.of(files.paths().get("pw")), StandardCharsets.UTF_8)).isEqualTo("pa55");
            dir = Path.of(files.paths().get("npm")).getParent();
            assertThat(dir.getParent()).isEqualTo(Path.of(privateDir.getRemote()));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            for (String path : files.paths().values()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(path)))).isEqualTo("rw-------");
            }
        } finally {
            privateDir.deleteRecursive();
        }

        // Then: gone once the build is over
        assertThat(dir).doesNotExist();
    }

    @Test
    void shouldNameCredentialsThatTheBuildCannotSeeOrCannotUse(JenkinsRule r) throws Exception {
        // Given: known credentials, an unknown id, and a blank one (which the plan's own check names)
        SystemCredentialsProvider.getInstance().getCredentials().add(
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "text", "", Secret.fromString("t0ken")));
        FreeStyleBuild build = r.buildAndAssertSuccess(r.createFreeStyleProject());

        // When
        List<Violation> violations = SecretFiles.check(List.of(new SecretRecord("a", "text"), new SecretRecord("b", "nope"),
                new SecretRecord("c", "")), build);

        // Then
        assertThat(violations).extracting(Violation::field).containsExactly("secrets[1].credentialsId");
        assertThat(violations.get(0).problem()).contains("no credentials nope");
    }
}
