package io.jenkins.plugins.multiarch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import hudson.Extension;
import net.java.sezpoz.Index;
import net.java.sezpoz.IndexItem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built {@code .hpi} (run after {@code package}): the {@code @Extension} index inside its jar lists every
 * extension of the plugin. Jenkins finds extensions only through that index, so a class missing from it would
 * simply not exist for Jenkins (the step, the settings, the allowlist of the wiring script).
 */
class ExtensionIndexIT {

    /** Sees classes through the test's class loader but none of its resources: only the given jar's index is read. */
    private static final class ClassesOnly extends ClassLoader {
        ClassesOnly(ClassLoader parent) {
            super(parent);
        }

        @Override
        public URL getResource(String name) {
            return null;
        }

        @Override
        public Enumeration<URL> getResources(String name) {
            return Collections.emptyEnumeration();
        }
    }

    private static Path builtHpi() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".hpi")).findFirst()
                    .orElseThrow(() -> new AssertionError("no .hpi in target/: run after package"));
        }
    }

    @Test
    void shouldListEveryExtensionOfThePluginInTheBuiltHpi() throws Exception {
        // Given: the plugin's own jar, taken out of the .hpi
        Path hpi = builtHpi();
        Path jar = Files.createTempFile("multiarch-image", ".jar");
        try (ZipFile zip = new ZipFile(hpi.toFile())) {
            ZipEntry entry = zip.stream().filter(e -> e.getName().matches("WEB-INF/lib/multiarch-image[^/]*\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no WEB-INF/lib/multiarch-image*.jar in " + hpi));
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Set<String> expected = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(Path.of("target/classes")).stream()
                .filter(c -> c.isAnnotatedWith(Extension.class)).map(JavaClass::getName)
                .collect(Collectors.toCollection(TreeSet::new));

        // When
        Set<String> indexed = new TreeSet<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, new ClassesOnly(getClass().getClassLoader()))) {
            for (IndexItem<Extension, Object> item : Index.load(Extension.class, Object.class, loader)) {
                indexed.add(item.className());
            }
        } finally {
            Files.deleteIfExists(jar);
        }

        // Then
        assertThat(expected).contains("io.jenkins.plugins.multiarch.MultiArchImageGlobalVariable$ScriptAllowlist",
                "io.jenkins.plugins.multiarch.MultiArchImageConfiguration",
                "io.jenkins.plugins.multiarch.MultiArchPlanStep$DescriptorImpl");
        assertThat(indexed).isEqualTo(expected);
    }
}
