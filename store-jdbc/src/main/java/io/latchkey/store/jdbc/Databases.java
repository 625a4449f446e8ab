package io.latchkey.store.jdbc;

/** Opens the database a URL names: SQLite (embedded) or PostgreSQL. */
public final class Databases {
    private Databases() {
    }

    public static Database open(DatabaseSettings settings) {
        String url = settings.url();
        if (url.startsWith("jdbc:sqlite:")) {
            return SqliteDatabase.open(url);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return PostgresDatabase.open(settings);
        }
        throw new IllegalArgumentException("unsupported database URL " + redact(url)
                + ": use jdbc:sqlite:<file> or jdbc:postgresql://host/db");
    }

    /** The URL without its query string, where a password may hide. */
    static String redact(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }
}
