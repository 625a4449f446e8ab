package io.latchkey.store.jdbc;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Brings a database to the current schema: one set of Flyway migrations for every vendor. */
final class Migrations {
    private Migrations() {
    }

    static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }
}
