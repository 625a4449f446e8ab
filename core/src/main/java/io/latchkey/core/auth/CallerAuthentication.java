package io.latchkey.core.auth;

import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.ratelimit.FailedAttemptLimiter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The one step every request that authenticates a caller goes through, whatever the endpoint and
 * whatever the method: it refuses a credential that has failed too often before trying it, finds
 * the {@link ClientAuthentication} method for the credential's kind, and when an attempt fails —
 * in the method, or later in the operation, as a forged refresh token does — charges the
 * failed-attempt limiter and audits the start of a lock-out.
 *
 * <p>A request's authentication is an {@link Attempt}: begun when its credential has been read,
 * resolved to a {@link Caller} where the operation runs (on an event loop when
 * {@link Attempt#inMemory()}, else on a worker), and told of any failure of the request.
 */
public final class CallerAuthentication {
    private final FailedAttemptLimiter limiter;
    private final Auditor auditor;
    private final Executor auditWrites;
    private final Map<Class<?>, ClientAuthentication<?>> methods = new HashMap<>();
    private final SourcePolicy sources;

    /**
     * Whether a client may authenticate from an address (SPEC §10 {@code allowedSources}): the
     * edge knows how to read CIDR blocks, the core only asks.
     */
    @FunctionalInterface
    public interface SourcePolicy {
        /** Any client from anywhere. */
        SourcePolicy ANYWHERE = (allowed, source) -> true;

        /**
         * @param allowedSources the client's CIDR blocks, never null
         * @param source         the request's address as the limiter counts it
         */
        boolean allows(List<String> allowedSources, String source);
    }

    /**
     * @param auditWrites where lock-out events are written: a store write, which may not run on
     *                    the thread that noticed the failure (an event loop)
     * @param methods     one per kind of credential
     */
    public CallerAuthentication(FailedAttemptLimiter limiter, Auditor auditor, Executor auditWrites,
                                List<ClientAuthentication<?>> methods) {
        this(limiter, auditor, auditWrites, methods, SourcePolicy.ANYWHERE);
    }

    /**
     * @param sources where each client may authenticate from: checked here, after the method
     *                accepted the credential, so it holds for every method and every endpoint
     */
    public CallerAuthentication(FailedAttemptLimiter limiter, Auditor auditor, Executor auditWrites,
                                List<ClientAuthentication<?>> methods, SourcePolicy sources) {
        this.sources = sources;
        this.limiter = limiter;
        this.auditor = auditor;
        this.auditWrites = auditWrites;
        for (ClientAuthentication<?> method : methods) {
            if (this.methods.put(method.checks(), method) != null) {
                throw new IllegalArgumentException("two methods check " + method.checks().getSimpleName());
            }
        }
    }

    /**
     * Begins authenticating {@code credential}, presented from {@code source}.
     *
     * @throws LatchkeyException {@code too_many_requests} when this credential has failed too
     *                           often from this source
     */
    public Attempt begin(Credential credential, String source) {
        limiter.checkCredential(source, credential.limiterKey());
        return new Attempt(credential, source);
    }

    /** An attempt of a request that presented no usable credential and failed for it. */
    public LatchkeyException refuse(String source, LatchkeyException failure) {
        return new Attempt(new Credential.None(), source).failed(failure);
    }

    /** One request's authentication: its credential, where it came from, and its outcome. */
    public final class Attempt {
        private final Credential credential;
        private final String source;
        private Caller caller;
        /** What checking the credential in memory threw, answered by {@link #caller()}. */
        private LatchkeyException failure;

        private Attempt(Credential credential, String source) {
            this.credential = credential;
            this.source = source;
        }

        public Credential credential() {
            return credential;
        }

        /** The caller's address, as the limiter counts it. */
        public String source() {
            return source;
        }

        /**
         * Whether checking the credential reads no store, so it may happen on an event loop.
         * Where it does not, the check is made here and now (its outcome kept for
         * {@link #caller()}), since for some methods the question costs as much as the answer.
         */
        public boolean inMemory() {
            if (caller != null || failure != null || credential instanceof Credential.None) {
                return true;
            }
            try {
                Caller checked = method().authenticateInMemory(credential);
                caller = checked == null ? null : allowed(checked);
            } catch (LatchkeyException refused) {
                failure = refused;
                return true;
            }
            return caller != null;
        }

        /**
         * The authenticated caller, checked on first use.
         *
         * @throws LatchkeyException whatever the method answers for a credential that does not check out
         */
        public Caller caller() {
            if (failure != null) {
                throw failure;
            }
            if (caller == null) {
                caller = allowed(credential instanceof Credential.None ? new Caller.Anonymous()
                        : method().authenticate(credential));
            }
            return caller;
        }

        /** {@code checked}, if it may authenticate from this attempt's source. */
        private Caller allowed(Caller checked) {
            if (checked instanceof Caller.ClientCaller client) {
                requireAllowedSource(client);
            }
            return checked;
        }

        /**
         * SPEC §10: a client with {@code allowedSources} authenticates from one of them only; from
         * anywhere else it is refused like a wrong credential, and the refusal audited (the write
         * on {@code auditWrites}, since this may run on an event loop).
         */
        private void requireAllowedSource(Caller.ClientCaller client) {
            List<String> allowed = client.client().limits().allowedSources();
            if (allowed == null || sources.allows(allowed, source)) {
                return;
            }
            String clientId = client.client().id().value();
            auditWrites.execute(() -> auditor.record(AuditAction.CLIENT_SOURCE_REFUSED, "client:" + clientId, source,
                    clientId, null));
            throw LatchkeyException.sourceNotAllowed();
        }

        /**
         * Tells the attempt that its request failed with {@code failure}, and returns what to
         * answer: a failed authentication is charged to the limiter (and a lock's start
         * audited), and answered with {@code too_many_requests} when its source had already
         * failed too often; any other failure is answered as it is.
         */
        public LatchkeyException failed(LatchkeyException failure) {
            if (!failure.failedAuthentication()) {
                return failure;
            }
            try {
                limiter.refuseFailureIfAddressLocked(source);
            } catch (LatchkeyException locked) {
                limiter.recordFailure(source, credential.limiterKey());
                return locked;
            }
            if (limiter.recordFailure(source, credential.limiterKey())) {
                String key = credential.limiterKey();
                String clientId = credential.claimedClientId();
                auditWrites.execute(() -> auditor.record(AuditAction.RATE_LIMIT_LOCKED,
                        key == null ? "anonymous" : key, source, clientId, null));
            }
            return failure;
        }

        @SuppressWarnings("unchecked")
        private ClientAuthentication<Credential> method() {
            // The map holds each method under the very class it checks, so the cast is sound.
            ClientAuthentication<Credential> method = (ClientAuthentication<Credential>) methods.get(credential.getClass());
            if (method == null) {
                // A credential the edge can read but no method checks: a wiring mistake, not the caller's.
                throw new IllegalStateException("no method checks " + credential.getClass().getSimpleName());
            }
            return method;
        }
    }
}
