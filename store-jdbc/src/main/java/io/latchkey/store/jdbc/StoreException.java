package io.latchkey.store.jdbc;

/** The store could not do what was asked: the database failed or could not be reached. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
