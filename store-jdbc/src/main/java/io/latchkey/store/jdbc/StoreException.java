package io.latchkey.store.jdbc;

import io.latchkey.core.error.StoreUnavailableException;

/** The store could not do what was asked: the database failed or could not be reached. */
public final class StoreException extends StoreUnavailableException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
