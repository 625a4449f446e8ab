package io.latchkey.core.auth;

import io.latchkey.core.client.ClientId;

/**
 * What a request presents to say who is calling, as read at the edge and before anything is
 * checked. Each client-authentication method has its own kind; {@link CallerAuthentication}
 * finds the method that checks it. No {@code toString()} prints a secret.
 */
public sealed interface Credential {
    /**
     * What the failed-attempt limiter counts failures of, besides the source address: one bounded
     * key per credential, never the raw text a caller typed (a malformed client id of 16 KiB would
     * otherwise key the limiter's table, and the audit log, with itself); null when none is known.
     */
    String limiterKey();

    /** The client id this credential claims, when it claims a well-formed one (for the audit log). */
    default String claimedClientId() {
        return null;
    }

    /** No credential at all: the pipeline's refresh flow, or a request that gave none. */
    record None() implements Credential {
        @Override
        public String limiterKey() {
            return null;
        }
    }

    /**
     * A credential that names the client it is for, before anything is checked: it counts against
     * that client id when it is well formed, else against one key for every malformed id.
     */
    sealed interface OfClient extends Credential {
        /** The client id as the request gave it, unchecked. */
        String clientId();

        @Override
        default String limiterKey() {
            return ClientId.isWellFormed(clientId()) ? "client:" + clientId() : "client:malformed";
        }

        @Override
        default String claimedClientId() {
            return ClientId.isWellFormed(clientId()) ? clientId() : null;
        }
    }

    /**
     * A client id and secret (RFC 6749 §2.3.1), however they were sent.
     *
     * @param method how the request carried them, as RFC 8414 names it ({@code client_secret_basic},
     *               {@code client_secret_post}; the integration model's username/password count as post)
     */
    record ClientSecret(String clientId, String secret, String method) implements OfClient {
        @Override
        public String toString() {
            return "ClientSecret[" + limiterKey() + ", " + method + "]"; // never the secret
        }
    }

    /**
     * A signed JWT the client presents for itself (RFC 7523 §2.2, {@code private_key_jwt}).
     *
     * @param clientId  the client the assertion names as its issuer, read before anything is
     *                  checked (it keys the limiter), or null when it names none
     * @param assertion the compact JWS, at most {@code MAX_ASSERTION_LENGTH} characters
     */
    record ClientAssertion(String clientId, String assertion) implements OfClient {
        /** Longer than any assertion a client needs (RFC 7523 sets no bound); a longer one is refused unread. */
        public static final int MAX_ASSERTION_LENGTH = 8 * 1024;

        @Override
        public String toString() {
            return "ClientAssertion[" + limiterKey() + "]"; // never the assertion
        }
    }

    /**
     * A client certificate (RFC 8705 §2): the one the TLS handshake proved the client holds the
     * key of, or the one a trusted TLS-terminating proxy forwarded, with the {@code client_id}
     * the request names (§2: the certificate alone does not say which client it is for).
     *
     * @param chain the certificate first, then whatever intermediates came with it
     */
    record ClientCertificate(String clientId, java.util.List<java.security.cert.X509Certificate> chain)
            implements OfClient {
        public ClientCertificate {
            chain = java.util.List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a certificate chain holds at least the certificate");
            }
        }

        /** The client's own certificate. */
        public java.security.cert.X509Certificate certificate() {
            return chain.get(0);
        }

        @Override
        public String toString() {
            return "ClientCertificate[" + limiterKey() + "]"; // nothing of the certificate
        }
    }

    /** An admin API key ({@code X-API-Key}, or the pipeline's {@code apikey} field). */
    record AdminApiKey(String key) implements Credential {
        @Override
        public String limiterKey() {
            return "apikey";
        }

        @Override
        public String toString() {
            return "AdminApiKey[…]";
        }
    }

    /** An opaque bearer token for a service endpoint of the server itself ({@code /metrics}). */
    record ServiceToken(String service, String token) implements Credential {
        @Override
        public String limiterKey() {
            return service;
        }

        @Override
        public String toString() {
            return "ServiceToken[" + service + "]";
        }
    }
}
