package io.latchkey.server.cli;

import io.latchkey.core.key.KeyService;
import io.latchkey.server.StoreFactory;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.SqliteBackup;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code latchkey serve --check}: everything a start would trip over, found without starting —
 * the settings (already parsed into {@link ServerConfig}), the store, the master key and the TLS
 * files — reported one line per problem, after the effective configuration with its secrets
 * masked. Nothing is written: a store that would need migrating is reported, not migrated, and a
 * master key that would be generated is not.
 */
final class ConfigCheck {
    /** Settings whose values are secrets: shown as set or not, never as themselves. */
    private static final Set<String> SECRETS = Set.of("adminApiKey", "masterKey", "dbPassword", "tlsKeyPassword",
            "metricsToken");

    private final ServerConfig config;
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private ConfigCheck(ServerConfig config) {
        this.config = config;
    }

    /** Prints the effective configuration and the problems; 0 when there are none, else 1. */
    static int run(ServerConfig config, PrintWriter out, PrintWriter err) {
        ConfigCheck check = new ConfigCheck(config);
        out.println("Effective configuration:");
        for (RecordComponent component : ServerConfig.class.getRecordComponents()) {
            out.println("  " + component.getName() + " = " + check.shown(component));
        }
        check.store();
        check.tls();
        check.clientCertificates();
        check.secretExpiry();
        for (String note : check.notes) {
            out.println("Note: " + note + ".");
        }
        for (String problem : check.problems) {
            err.println("latchkey: " + problem);
        }
        out.println(check.problems.isEmpty() ? "Configuration OK." : check.problems.size() + " problem(s) found.");
        out.flush();
        err.flush();
        return check.problems.isEmpty() ? 0 : 1;
    }

    private String shown(RecordComponent component) {
        Object value;
        try {
            value = component.getAccessor().invoke(config);
        } catch (ReflectiveOperationException e) {
            value = "?";
        }
        if (SECRETS.contains(component.getName())) {
            return value == null ? "(not set)" : "(set, hidden)";
        }
        if ("dbUrl".equals(component.getName()) && value != null) {
            return value.toString().replaceAll("password=[^&]*", "password=(hidden)");
        }
        return value == null ? "(not set)" : value.toString();
    }

    /** SPEC §10: a warning window as long as the secrets' lifetime warns of every secret once it is issued. */
    private void secretExpiry() {
        if (config.secretTtl() != null && config.secretExpiryWarning().compareTo(config.secretTtl()) >= 0) {
            notes.add("LATCHKEY_SECRET_EXPIRY_WARNING (" + config.secretExpiryWarning() + ") is not shorter than "
                    + "LATCHKEY_SECRET_TTL (" + config.secretTtl() + "): every new secret is warned of as soon as "
                    + "it is issued");
        }
    }

    private void store() {
        if (config.dbUrl() == null) {
            sqlite();
        } else {
            postgres();
        }
    }

    private void sqlite() {
        Path dataDir = config.dataDir();
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            problems.add("LATCHKEY_DATA_DIR " + dataDir + " is not a directory");
            return;
        }
        Path existing = nearestExisting(dataDir);
        if (existing == null || !Files.isWritable(existing)) {
            problems.add("LATCHKEY_DATA_DIR " + dataDir + " cannot be created or written by this user");
            return;
        }
        Path database = dataDir.resolve("latchkey.db");
        if (!Files.exists(database)) {
            masterKeyFormat();
            return; // a first start creates both
        }
        String version;
        try {
            version = SqliteBackup.check(database);
        } catch (IOException e) {
            problems.add("the store: " + e.getMessage());
            return;
        }
        if (!version.equals(SqliteBackup.latestSchemaVersion())) {
            // Opening it would migrate it; a check writes nothing. The start migrates it.
            notes.add("the store is at schema version " + version + "; the next start migrates it to "
                    + SqliteBackup.latestSchemaVersion());
            masterKeyFormat();
            return;
        }
        unseal();
    }

    private void postgres() {
        try (Connection connection = DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword());
             var statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, config.dbTimeout().toSeconds()));
            statement.execute("SELECT 1");
        } catch (Exception e) {
            problems.add("the store at LATCHKEY_DB_URL cannot be reached: " + e.getMessage());
            return;
        }
        if (config.masterKey() == null) {
            problems.add("LATCHKEY_MASTER_KEY is not set: instances sharing PostgreSQL must share one master key");
            return;
        }
        unseal();
    }

    /** The master key opens the store's sealed key material (the secret pepper). */
    private void unseal() {
        if (config.masterKey() == null && !Files.exists(config.dataDir().resolve("master.key"))) {
            problems.add("the store exists but its master key does not: set LATCHKEY_MASTER_KEY or restore "
                    + config.dataDir().resolve("master.key"));
            return;
        }
        try (Database database = StoreFactory.openDatabase(config)) {
            KeyService keys = StoreFactory.keyService(config, database, Clock.systemUTC(), new SecureRandom());
            keys.loadForHashing();
        } catch (IllegalArgumentException e) {
            problems.add("the master key: " + e.getMessage());
        } catch (Exception e) {
            problems.add("the master key does not unseal the store's keys (" + e.getMessage() + ")");
        }
    }

    private void masterKeyFormat() {
        if (config.masterKey() == null) {
            return; // generated at first start
        }
        String key = config.masterKey().trim();
        try {
            byte[] bytes = key.contains("-") || key.contains("_") ? java.util.Base64.getUrlDecoder().decode(key)
                    : java.util.Base64.getDecoder().decode(key);
            if (bytes.length != 32) {
                problems.add("LATCHKEY_MASTER_KEY must hold exactly 256 bits (32 bytes), not " + bytes.length);
            }
        } catch (IllegalArgumentException e) {
            problems.add("LATCHKEY_MASTER_KEY is not base64");
        }
    }

    private void tls() {
        if (config.tlsCert() == null) {
            return;
        }
        Path cert = config.tlsCert();
        if (!Files.isReadable(cert)) {
            problems.add("LATCHKEY_TLS_CERT " + cert + " cannot be read");
            return;
        }
        try (InputStream in = Files.newInputStream(cert)) {
            if (ServerConfig.isPkcs12(cert)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, config.tlsKeyPassword() == null ? new char[0] : config.tlsKeyPassword().toCharArray());
            } else {
                if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                    problems.add("LATCHKEY_TLS_CERT " + cert + " holds no certificate");
                }
                if (!Files.isReadable(config.tlsKey())) {
                    problems.add("LATCHKEY_TLS_KEY " + config.tlsKey() + " cannot be read");
                } else if (!Files.readString(config.tlsKey()).contains("PRIVATE KEY-----")) {
                    problems.add("LATCHKEY_TLS_KEY " + config.tlsKey() + " holds no PEM private key");
                }
            }
        } catch (Exception e) {
            problems.add("LATCHKEY_TLS_CERT " + cert + " cannot be loaded: " + e.getMessage());
        }
    }

    /** RFC 8705: the CA file loads, and a setup that can never accept tls_client_auth is noted. */
    private void clientCertificates() {
        if (!config.mutualTls()) {
            return;
        }
        if (config.tlsClientCa() == null) {
            notes.add("client certificates are asked for but LATCHKEY_TLS_CLIENT_CA is not set: only "
                    + "self_signed_tls_client_auth clients can authenticate with one");
            return;
        }
        try {
            io.latchkey.server.ClientCas.load(config.tlsClientCa());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    private static Path nearestExisting(Path path) {
        Path current = path.toAbsolutePath();
        while (current != null && !Files.exists(current)) {
            current = current.getParent();
        }
        return current;
    }
}
