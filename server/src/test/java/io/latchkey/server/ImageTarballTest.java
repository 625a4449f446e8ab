package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The OCI image tarball that {@code mvn -Pimage package} writes (no Docker engine is needed to
 * build it, nor here to check it): its configuration runs the server as a non-root user with the
 * data dir as a volume, and its layers hold the server, its classpath and a Java runtime that can
 * start on an empty base. Runs only in the {@code image} profile, after the tarball is built.
 */
@Tag("image")
class ImageTarballTest {
    private static final Path TARBALL = Path.of(System.getProperty("latchkey.image.tar", "target/latchkey-image.tar"));
    private static final String DATA_DIR = "/var/lib/latchkey";

    /** The small blobs (index, manifest, config) by path in the tarball. */
    private static final Map<String, byte[]> JSON_BLOBS = new HashMap<>();
    /** Every layer's entries, by the layer's digest. */
    private static final Map<String, Map<String, LayerEntry>> LAYERS = new HashMap<>();

    private static JsonNode manifest;
    private static JsonNode config;

    record LayerEntry(int mode, boolean directory, byte[] smallContent) {
    }

    @BeforeAll
    static void read() throws IOException {
        assertThat(TARBALL).as("build it first: mvn -Pimage package").exists();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(TARBALL)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                BufferedInputStream blob = new BufferedInputStream(tar);
                blob.mark(2);
                boolean gzip = blob.read() == 0x1f && blob.read() == 0x8b;
                blob.reset();
                if (gzip) {
                    LAYERS.put(digestOf(entry.getName()), layer(new GZIPInputStream(blob)));
                } else {
                    JSON_BLOBS.put(entry.getName(), blob.readAllBytes());
                }
            }
        }
        JsonNode index = json("index.json");
        assertThat(index.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        manifest = json(blobPath(index.at("/manifests/0/digest").asText()));
        config = json(blobPath(manifest.at("/config/digest").asText()));
    }

    @Test
    void theManifestIsAnOciManifestWhoseLayersAreAllInTheTarball() {
        assertThat(manifest.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(manifest.get("layers")).isNotEmpty();
        manifest.get("layers").forEach(layer -> {
            assertThat(layer.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
            assertThat(LAYERS).containsKey(layer.get("digest").asText());
        });
    }

    @Test
    void theServerRunsAsANonRootUser() {
        String user = config.at("/config/User").asText();
        assertThat(user).matches("\\d+:\\d+");
        assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
        assertThat(Integer.parseInt(user.split(":")[1])).isPositive();
        assertThat(new String(file("etc/passwd").smallContent(), StandardCharsets.UTF_8))
                .contains(":" + user.split(":")[0] + ":" + user.split(":")[1] + ":");
    }

    @Test
    void theDataDirIsAVolumeTheServerUsesAndCanWrite() {
        assertThat(names(config.at("/config/Volumes"))).containsExactly(DATA_DIR);
        assertThat(env()).containsEntry("LATCHKEY_DATA_DIR", DATA_DIR);
        // Every file of a Jib layer belongs to root: the non-root user writes only where all may.
        assertThat(file(DATA_DIR.substring(1) + "/").mode() & 0777).isEqualTo(0777);
        assertThat(file("tmp/").mode() & 0777).isEqualTo(0777); // SQLite unpacks its native library there
    }

    @Test
    void theListeningPortIsExposedAndConfigured() {
        assertThat(names(config.at("/config/ExposedPorts"))).containsExactly("8080/tcp");
        assertThat(env()).containsEntry("LATCHKEY_PORT", "8080").containsEntry("LATCHKEY_HOST", "0.0.0.0");
    }

    @Test
    void theEntrypointStartsTheServersMainClassOnTheImagesJava() {
        List<String> entrypoint = texts(config.at("/config/Entrypoint"));
        assertThat(entrypoint).containsExactly("java", "-cp", "@/app/jib-classpath-file", Main.class.getName());
        assertThat(texts(config.at("/config/Cmd"))).containsExactly("serve");
        assertThat(env().get("PATH")).isEqualTo("/opt/java/bin");
        assertThat(file("opt/java/bin/java").mode() & 0111).isEqualTo(0111);
    }

    @Test
    void aLayerHoldsTheServerAndEveryClasspathEntryIsInTheImage() {
        assertThat(file("app/classes/" + Main.class.getName().replace('.', '/') + ".class").directory()).isFalse();
        assertThat(file("app/resources/io/latchkey/server/http/openapi.json").directory()).isFalse();
        String classpath = new String(file("app/jib-classpath-file").smallContent(), StandardCharsets.UTF_8).trim();
        List<String> elements = List.of(classpath.split(":"));
        assertThat(elements).anyMatch(path -> path.matches("/app/libs/latchkey-core-.*\\.jar"))
                .anyMatch(path -> path.matches("/app/libs/vertx-web-.*\\.jar"));
        for (String element : elements) {
            String path = element.substring(1);
            assertThat(find(path.endsWith(".jar") ? path : path + "/"))
                    .as(element).isNotNull();
        }
    }

    @Test
    void theJavaRuntimeAndTheSystemLibrariesItNeedsAreInTheImage() {
        assertThat(find("opt/java/lib/modules")).isNotNull();
        assertThat(find("opt/java/lib/server/libjvm.so")).isNotNull();
        assertThat(find("opt/java/lib/security/cacerts")).isNotNull();
        List<String> all = new ArrayList<>();
        LAYERS.values().forEach(layer -> all.addAll(layer.keySet()));
        assertThat(all).anyMatch(name -> name.matches("lib/[^/]+/libc\\.so\\.6"))
                .anyMatch(name -> name.matches("lib/[^/]+/libz\\.so\\.1"))
                .anyMatch(name -> name.matches("lib/[^/]+/libpthread\\.so\\.0")); // SQLite's native library
        String loader = all.stream().filter(name -> name.matches("lib(64)?/(.*/)?ld-linux-.*\\.so\\.\\d")).findFirst()
                .orElseThrow(() -> new AssertionError("no dynamic loader in the image"));
        assertThat(file(loader).mode() & 0111).as(loader).isEqualTo(0111);
    }

    private static Map<String, LayerEntry> layer(InputStream gzip) throws IOException {
        Map<String, LayerEntry> entries = new HashMap<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            byte[] content = !entry.isDirectory() && entry.getSize() < 64 * 1024 ? tar.readAllBytes() : null;
            entries.put(entry.getName(), new LayerEntry(entry.getMode(), entry.isDirectory(), content));
        }
        return entries;
    }

    private static LayerEntry find(String path) {
        for (Map<String, LayerEntry> layer : LAYERS.values()) {
            if (layer.containsKey(path)) {
                return layer.get(path);
            }
        }
        return null;
    }

    private static LayerEntry file(String path) {
        LayerEntry entry = find(path);
        assertThat(entry).as(path + " in a layer").isNotNull();
        return entry;
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        texts(config.at("/config/Env")).forEach(pair -> env.put(pair.substring(0, pair.indexOf('=')),
                pair.substring(pair.indexOf('=') + 1)));
        return env;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode json(String path) {
        assertThat(JSON_BLOBS).containsKey(path);
        try {
            return TestServer.JSON.readTree(JSON_BLOBS.get(path));
        } catch (IOException e) {
            throw new AssertionError(path + " is not JSON", e);
        }
    }

    private static String blobPath(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }

    private static String digestOf(String blobPath) {
        return blobPath.replaceFirst("^blobs/([^/]+)/", "$1:");
    }
}
