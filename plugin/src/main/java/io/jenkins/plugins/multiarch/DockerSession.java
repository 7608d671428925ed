package io.jenkins.plugins.multiarch;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.multiarch.docker.DockerCli;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.process.OutputListener;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.docker.commons.credentials.DockerServerEndpoint;
import org.jenkinsci.plugins.docker.commons.credentials.KeyMaterial2;
import org.jenkinsci.plugins.docker.commons.tools.DockerTool;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The docker CLI of one agent for one step: the executable from the docker tool, the daemon endpoint's environment
 * from {@link DockerServerEndpoint}, and a registry login of our own. The login goes into a private
 * {@code DOCKER_CONFIG} directory in the step's {@link PrivateTempDir} (outside every workspace), with the password
 * on standard input, never in argv or the log (docker-commons' registry login passes it with {@code -p}). The
 * directory keeps the agent's own buildx builders, CLI plugins and contexts (symbolic links) and its config without
 * credentials. {@link #close} logs out by deleting the directory. Every command carries the step's marks
 * ({@link AgentCommandRunner#COOKIE}, {@link AgentCommandRunner#ATTEMPT}) in its environment, so that what it
 * leaves running can be found and stopped.
 */
final class DockerSession implements AutoCloseable {
    private static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(2);
    /** Kept from the agent's docker configuration directory so buildx finds its builders and plugins. */
    private static final List<String> SHARED = List.of("buildx", "cli-plugins", "contexts");

    private final DockerCli docker;
    private final FilePath configDir;
    private final KeyMaterial2 serverKeys;
    private final FilePath workspace;

    private DockerSession(DockerCli docker, FilePath configDir, KeyMaterial2 serverKeys, FilePath workspace) {
        this.docker = docker;
        this.configDir = configDir;
        this.serverKeys = serverKeys;
        this.workspace = workspace;
    }

    DockerCli docker() {
        return docker;
    }

    /**
     * Resolves the docker executable on the agent, the daemon's environment and logs in to the registry if the
     * plan names credentials.
     *
     * @throws AbortException when the credentials cannot be found or the login fails
     */
    static DockerSession open(PlanSpec spec, Run<?, ?> run, FilePath workspace, Launcher launcher, EnvVars env,
                              Node node, TaskListener listener, OutputListener output, FilePath privateDir,
                              Map<String, String> marks, boolean login)
            throws IOException, InterruptedException {
        String executable = DockerTool.getExecutable(spec.dockerTool, node, listener, env);
        Map<String, String> dockerEnv = new LinkedHashMap<>();
        dockerEnv.putAll(marks);
        // the user's BUILDX_GIT_* settings (withEnv) keep buildx's git look-up on in builds without provenance
        dockerEnv.putAll(DockerCli.buildxGitSettings(env));
        KeyMaterial2 serverKeys = null;
        FilePath configDir = null;
        AgentCommandRunner runner = new AgentCommandRunner(launcher, env, workspace, listener);
        try {
            if (spec.dockerServerUri != null || spec.dockerServerCredentialsId != null) {
                serverKeys = new DockerServerEndpoint(spec.dockerServerUri, spec.dockerServerCredentialsId)
                        .newKeyMaterialFactory(run, workspace.getChannel()).materialize2();
                dockerEnv.putAll(serverKeys.env());
            }
            if (login && spec.registryCredentialsId != null) {
                StandardUsernamePasswordCredentials credentials = CredentialsProvider.findCredentialById(
                        spec.registryCredentialsId, StandardUsernamePasswordCredentials.class, run, List.of());
                if (credentials == null) {
                    throw new AbortException(Messages.DockerSession_noCredentials(spec.registryCredentialsId));
                }
                CredentialsProvider.track(run, credentials);
                configDir = privateConfig(privateDir, workspace, env, listener);
                dockerEnv.put("DOCKER_CONFIG", configDir.getRemote());
                DockerCli cli = new DockerCli(executable, dockerEnv, runner);
                login(cli, spec, credentials, output);
            }
            return new DockerSession(new DockerCli(executable, dockerEnv, runner), configDir, serverKeys, workspace);
        } catch (IOException | InterruptedException | RuntimeException e) {
            new DockerSession(null, configDir, serverKeys, workspace).close();
            throw e;
        }
    }

    private static void login(DockerCli cli, PlanSpec spec, StandardUsernamePasswordCredentials credentials,
                              OutputListener output) throws IOException, InterruptedException {
        String registry = registryHost(spec.registryUrl);
        List<String> args = new java.util.ArrayList<>(List.of("login", "--username", credentials.getUsername(), "--password-stdin"));
        if (registry != null) {
            args.add(registry);
        }
        Command login = cli.command(args).withStdin(credentials.getPassword().getPlainText()).withTimeout(LOGIN_TIMEOUT);
        CommandResult r = cli.run(login, output);
        if (!r.succeeded()) {
            throw new AbortException(Messages.DockerSession_loginFailed(registry == null ? "Docker Hub" : registry,
                    r.timedOut() ? "timed out" : r.tail(3)));
        }
    }

    /** {@code host[:port]} of the registry, or null for Docker Hub (docker login's default). */
    static String registryHost(String url) throws IOException {
        if (url == null) {
            return null;
        }
        URL effective = new DockerRegistryEndpoint(url, null).getEffectiveUrl();
        return effective.getAuthority();
    }

    /**
     * A new {@code DOCKER_CONFIG} in the step's private directory: mode 700, the agent's config.json without
     * {@code auths}, {@code credsStore} and {@code credHelpers}, and links to its buildx state, CLI plugins and
     * contexts.
     */
    private static FilePath privateConfig(FilePath privateDir, FilePath workspace, EnvVars env, TaskListener listener)
            throws IOException, InterruptedException {
        FilePath dir = privateDir.child("docker-config");
        dir.mkdirs();
        dir.chmod(0700);
        String original = env.get("DOCKER_CONFIG");
        if (original == null && env.get("HOME") != null) {
            original = env.get("HOME") + "/.docker";
        }
        if (original != null) {
            FilePath from = new FilePath(workspace.getChannel(), original);
            FilePath config = from.child("config.json");
            if (config.exists()) {
                JSONObject json = JSONObject.fromObject(config.readToString());
                json.remove("auths");
                json.remove("credsStore");
                json.remove("credHelpers");
                dir.child("config.json").write(json.toString(2), "UTF-8");
            }
            for (String name : SHARED) {
                FilePath shared = from.child(name);
                if (shared.exists()) {
                    dir.child(name).symlinkTo(shared.getRemote(), listener);
                }
            }
        }
        return dir;
    }

    /** Deletes the private configuration (the login with it; links are removed, not followed) and the daemon keys. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (configDir != null) {
                configDir.deleteRecursive();
            }
        } finally {
            if (serverKeys != null) {
                serverKeys.close(workspace.getChannel());
            }
        }
    }
}
