package io.latchkey.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.clazz.NoopClassProvider;
import org.flywaydb.core.internal.resource.classpath.ClassPathResource;

/**
 * Brings a database to the current schema: one set of Flyway migrations for every vendor.
 *
 * <p>Start-up is the hot path here, and Flyway is most of a start's work (loading its classes,
 * scanning the jar for migrations). So a database whose history already records the newest
 * bundled migration is left alone after one query, and when Flyway does run it is handed the
 * migrations by name instead of scanning the classpath for them.
 */
final class Migrations {
    private static final String LOCATION = "db/migration";

    /**
     * The migrations under {@code db/migration}, oldest first. A new migration is added here as
     * well as there; {@code MigrationsTest} fails when the two differ.
     */
    static final List<String> BUNDLED = List.of(
            "V1__initial_schema.sql",
            "V2__change_log_and_leases.sql",
            "V3__audit_log.sql",
            "V4__change_log_sequence.sql",
            "V5__api_key_roles.sql",
            "V6__apis.sql",
            "V7__client_keys.sql",
            "V8__client_jwks_uri.sql",
            "V9__client_certificates.sql",
            "V10__dpop_bound_clients.sql",
            "V11__credential_governance.sql",
            "V12__deleted_clients.sql",
            "V13__webhooks.sql");

    /** The version of the newest bundled migration, such as {@code 3}. */
    static final String LATEST_VERSION = versionOf(BUNDLED.get(BUNDLED.size() - 1));

    private Migrations() {
    }

    /**
     * Migrates {@code dataSource} unless its schema is already at {@link #LATEST_VERSION}; returns
     * whether Flyway ran. Instances starting together on an empty PostgreSQL all find it behind
     * and all run Flyway, whose lock on the history table lets one migrate while the others wait.
     */
    static boolean migrate(DataSource dataSource) {
        if (isCurrent(dataSource)) {
            return false;
        }
        ClassLoader classLoader = Migrations.class.getClassLoader();
        Flyway.configure(classLoader)
                .dataSource(dataSource)
                .locations("classpath:" + LOCATION)
                .resourceProvider(new BundledMigrations(classLoader))
                .javaMigrationClassProvider(NoopClassProvider.INSTANCE)
                .load()
                .migrate();
        return true;
    }

    /** Whether the newest successful migration in the history is the newest bundled one. */
    private static boolean isCurrent(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            try {
                return LATEST_VERSION.equals(currentVersion(connection));
            } finally {
                if (!connection.getAutoCommit()) {
                    connection.rollback(); // a PostgreSQL transaction the query opened (or aborted)
                }
            }
        } catch (SQLException e) {
            return false; // no history table yet, or no database yet: Flyway decides (and waits, and reports)
        }
    }

    /**
     * The version of the newest migration applied successfully, read from Flyway's history table
     * (its default name) in Java, since {@code success} is a boolean in PostgreSQL and an integer
     * in SQLite.
     */
    static String currentVersion(Connection connection) throws SQLException {
        try (Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery(
                     "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank DESC")) {
            while (rows.next()) {
                String version = rows.getString("version");
                if (version != null && rows.getBoolean("success")) {
                    return version;
                }
            }
            return null;
        }
    }

    /** {@code V12__name.sql} → {@code 12}. */
    static String versionOf(String migration) {
        return migration.substring(1, migration.indexOf("__")).replace('_', '.');
    }

    /** The {@link #BUNDLED} migrations as Flyway resources, found without a classpath scan. */
    private static final class BundledMigrations implements ResourceProvider {
        private final List<LoadableResource> resources = new ArrayList<>();

        BundledMigrations(ClassLoader classLoader) {
            Location location = new Location("classpath:" + LOCATION);
            for (String name : BUNDLED) {
                resources.add(new ClassPathResource(location, LOCATION + "/" + name, classLoader,
                        StandardCharsets.UTF_8));
            }
        }

        @Override
        public LoadableResource getResource(String name) {
            for (LoadableResource resource : resources) {
                if (resource.getRelativePath().equals(name) || resource.getAbsolutePath().equals(name)) {
                    return resource;
                }
            }
            return null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            List<LoadableResource> matching = new ArrayList<>();
            for (LoadableResource resource : resources) {
                String name = resource.getFilename();
                if (name.startsWith(prefix) && endsWithAny(name, suffixes)) {
                    matching.add(resource);
                }
            }
            return matching;
        }

        private static boolean endsWithAny(String name, String[] suffixes) {
            for (String suffix : suffixes) {
                if (name.endsWith(suffix)) {
                    return true;
                }
            }
            return false;
        }
    }
}
