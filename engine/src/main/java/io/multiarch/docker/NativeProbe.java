package io.multiarch.docker;

import io.multiarch.platform.Platform;
import io.multiarch.platform.ProbeProgram;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.process.OutputListener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Measures, on the machine behind a docker endpoint, whether it runs a platform natively: a {@link ProbeProgram}
 * of that platform runs in a container there ({@code docker run --network none}) and prints the {@code uname}
 * machine it sees; the platform is native when that is the kernel's own machine ({@code docker info}'s
 * {@code Architecture}), emulated when QEMU answered (or when the program could not run at all).
 *
 * <p>The programs travel in one tiny image, {@code multiarch-probe:<hash of its content>}, made with
 * {@code docker image import} from a tar on standard input the first time it is missing (nothing is pulled) and
 * kept for later runs (about 2 KB). The probe containers are removed when they end ({@code --rm}).
 */
public final class NativeProbe {
    /** The label on every probe container. */
    public static final String LABEL = "io.multiarch.probe";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String REPOSITORY = "multiarch-probe";

    private final DockerCli docker;
    private final String serverArch;
    private final String kernelMachine;
    private final byte[] tar;
    private final String image;
    private final Object importLock = new Object();
    private boolean imported;

    /**
     * @param serverArch    the daemon's Go architecture ({@code docker version}), the platform of the probe image
     * @param kernelMachine the daemon's kernel machine ({@code docker info}'s {@code Architecture}, {@code uname -m})
     */
    public NativeProbe(DockerCli docker, String serverArch, String kernelMachine) {
        this.docker = docker;
        this.serverArch = serverArch;
        this.kernelMachine = kernelMachine;
        this.tar = tar();
        this.image = REPOSITORY + ":" + sha256(tar).substring(0, 12);
    }

    /** What one platform's program did. */
    public record Measurement(Platform platform, boolean nativePlatform, String machine, String failure) {
        /** For logs: {@code linux/386: i686 (emulated)}. */
        public String describe() {
            return platform + ": " + (failure.isEmpty() ? machine + (nativePlatform ? " (native)" : " (emulated)")
                    : "could not run (" + failure + ")");
        }
    }

    /** The image the probe containers run. */
    public String image() {
        return image;
    }

    /**
     * Runs the program of {@code platform}; a program that cannot run (no emulator) is measured as not native.
     *
     * @throws IOException when the probe image cannot be made or docker cannot run a container at all
     */
    public Measurement measure(Platform platform) throws IOException, InterruptedException {
        CommandResult r = run(platform);
        if (!r.succeeded() && !r.timedOut() && missingImage(r)) {
            importImage();
            r = run(platform);
        }
        if (r.timedOut()) {
            return new Measurement(platform, false, "", "timed out after " + TIMEOUT.toSeconds() + " s");
        }
        if (r.exitCode() == 125) {
            throw new DockerException("docker cannot run the native-platform probe (" + image + "): " + r.tail(3));
        }
        if (!r.succeeded()) {
            return new Measurement(platform, false, "", "exit " + r.exitCode() + ": " + r.tail(2).replace('\n', ' '));
        }
        String machine = ProbeProgram.machine(r.stdout());
        return new Measurement(platform, machine.equals(kernelMachine), machine, "");
    }

    private CommandResult run(Platform platform) throws IOException, InterruptedException {
        // only unique among concurrent probes, not a secret: no SecureRandom to seed
        String name = "multiarch-probe-" + platform.slug() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--pull", "never", "--network", "none",
                "--name", name, "--label", LABEL + "=" + platform));
        docker.containerLabels().forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
        args.addAll(List.of(image, "/" + fileName(platform)));
        Command c = docker.command(args).withTimeout(TIMEOUT).withOnTimeout(docker.command("rm", "-f", name).argv());
        return docker.run(c, OutputListener.NONE);
    }

    private static boolean missingImage(CommandResult r) {
        String text = r.stderr().toLowerCase(java.util.Locale.ROOT);
        return text.contains("no such image") || text.contains("unable to find image");
    }

    private void importImage() throws IOException, InterruptedException {
        synchronized (importLock) {
            if (imported) {
                return;
            }
            Command c = docker.command("image", "import", "--platform", "linux/" + serverArch, "-", image)
                    .withStdin(tar).withTimeout(TIMEOUT);
            CommandResult r = docker.run(c, OutputListener.NONE);
            if (!r.succeeded()) {
                throw new DockerException(c, r);
            }
            imported = true;
        }
    }

    private static String fileName(Platform platform) {
        return "probe-" + platform.slug();
    }

    /** A tar of every platform's program, mode 0755, owner root, time 0: the same bytes on every run. */
    static byte[] tar() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Platform p : Platform.SUPPORTED) {
            files.put(fileName(p), ProbeProgram.of(p));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            byte[] header = new byte[512];
            put(header, 0, f.getKey());
            put(header, 100, "0000755");
            put(header, 108, "0000000");
            put(header, 116, "0000000");
            put(header, 124, String.format("%011o", f.getValue().length));
            put(header, 136, "00000000000");
            header[156] = '0';
            put(header, 257, "ustar");
            put(header, 263, "00");
            java.util.Arrays.fill(header, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            put(header, 148, String.format("%06o", sum));
            header[154] = 0;
            header[155] = ' ';
            out.writeBytes(header);
            out.writeBytes(f.getValue());
            out.writeBytes(new byte[(512 - f.getValue().length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] header, int at, String value) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, at, b.length);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
