package io.latchkey.core.auth;

/**
 * One way of checking a {@link Credential}: a client secret, an admin API key, and later a
 * signed assertion or a certificate. {@link CallerAuthentication} picks the method by the
 * credential's type, so a new method is one new implementation and one more entry in its list.
 *
 * @param <C> the kind of credential this method checks
 */
public interface ClientAuthentication<C extends Credential> {
    /** The kind of credential this method checks. */
    Class<C> checks();

    /**
     * Whether checking {@code credential} needs no store read, so that it may run on an event
     * loop: the client or key it names is in memory.
     */
    boolean inMemory(C credential);

    /**
     * The caller {@code credential} authenticates, or a {@link io.latchkey.core.error.LatchkeyException}
     * whose {@code failedAuthentication()} is true when the credential did not check out.
     */
    Caller authenticate(C credential);

    /**
     * The caller {@code credential} authenticates when that needs no store read, else null (the
     * check then runs on a worker, through {@link #authenticate}). A method whose in-memory
     * question costs as much as the check itself (a keyed hash) answers both at once here.
     */
    default Caller authenticateInMemory(C credential) {
        return inMemory(credential) ? authenticate(credential) : null;
    }
}
