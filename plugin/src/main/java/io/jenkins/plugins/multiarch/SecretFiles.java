package io.jenkins.plugins.multiarch;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.FilePath;
import hudson.model.Run;
import io.multiarch.request.Violation;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The build secrets of one platform's stage as files buildx reads ({@code --secret id=ID,src=FILE}): each value is
 * read from its Jenkins credentials (secret text, secret file, or the password of a username with password) and
 * written, on the agent, to a mode 600 file in a mode 700 directory inside the stage's {@link PrivateTempDir},
 * outside every workspace. Only the file's path reaches a command line; {@link #close} deletes the files as soon as
 * the platform's build is over (the private directory goes too when the stage ends).
 */
final class SecretFiles implements AutoCloseable {
    private final FilePath dir;
    private final Map<String, String> paths;

    private SecretFiles(FilePath dir, Map<String, String> paths) {
        this.dir = dir;
        this.paths = paths;
    }

    /** The file of each secret id on the agent, for {@link PlanSpec#request(String, io.multiarch.request.PathProbe, Map)}. */
    Map<String, String> paths() {
        return paths;
    }

    /**
     * What cannot be found at plan time: credentials of a secret that this build cannot see, or of a kind a secret
     * cannot use. Nothing is read.
     */
    static List<Violation> check(List<SecretRecord> secrets, Run<?, ?> run) {
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < secrets.size(); i++) {
            String credentialsId = secrets.get(i).getCredentialsId();
            if (credentialsId != null && !credentialsId.isBlank() && find(credentialsId, run) == null) {
                violations.add(new Violation("secrets[" + i + "].credentialsId", credentialsId,
                        Messages.SecretFiles_noCredentials(credentialsId)));
            }
        }
        return violations;
    }

    private static StandardCredentials find(String credentialsId, Run<?, ?> run) {
        StandardCredentials c = CredentialsProvider.findCredentialById(credentialsId, StandardCredentials.class, run, List.of());
        return c instanceof StringCredentials || c instanceof FileCredentials || c instanceof StandardUsernamePasswordCredentials
                ? c : null;
    }

    /**
     * Writes every secret of {@code secrets} into {@code privateDir/secrets} on the agent.
     *
     * @throws hudson.AbortException when credentials are gone since the plan
     */
    static SecretFiles write(List<SecretRecord> secrets, Run<?, ?> run, FilePath privateDir) throws IOException, InterruptedException {
        Map<String, String> paths = new LinkedHashMap<>();
        if (secrets.isEmpty()) {
            return new SecretFiles(null, paths);
        }
        FilePath dir = privateDir.child("secrets");
        SecretFiles files = new SecretFiles(dir, paths);
        try {
            dir.mkdirs();
            dir.chmod(0700);
            for (SecretRecord s : secrets) {
                StandardCredentials c = find(s.getCredentialsId(), run);
                if (c == null) {
                    throw new hudson.AbortException(Messages.SecretFiles_noCredentials(s.getCredentialsId()));
                }
                CredentialsProvider.track(run, c);
                FilePath file = dir.child(s.getId());
                file.touch(0);
                file.chmod(0600); // before the value goes in
                try (InputStream in = value(c); OutputStream out = file.write()) {
                    in.transferTo(out);
                }
                paths.put(s.getId(), file.getRemote());
            }
            return files;
        } catch (IOException | InterruptedException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    private static InputStream value(StandardCredentials c) throws IOException {
        if (c instanceof FileCredentials f) {
            return f.getContent();
        }
        String text = c instanceof StringCredentials s ? s.getSecret().getPlainText()
                : ((StandardUsernamePasswordCredentials) c).getPassword().getPlainText();
        return new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Deletes the secret files. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (dir != null) {
            dir.deleteRecursive();
        }
    }
}
