package io.latchkey.core.error;

/**
 * The store could not do what was asked: the database failed or could not be reached. Every
 * store implementation reports an outage as this, so the edge answers it alike ({@code 503
 * temporarily_unavailable}) without knowing which store runs.
 */
public class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
