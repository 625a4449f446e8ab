package io.latchkey.server.http;

import io.latchkey.core.auth.Credential;
import io.latchkey.core.error.LatchkeyException;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * The ways each endpoint accepts a caller's credential, and the readers behind them. An endpoint
 * names one of the sets below; a new client-authentication method is a reader added to
 * {@link #CLIENT_METHODS}, and every endpoint that authenticates clients accepts it.
 *
 * <p>A set is a list of groups in order of precedence: the first group the request uses wins,
 * and using two ways of one group is an error (RFC 6749 §2.3: exactly one method per request).
 */
final class Credentials {
    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BASIC = "basic ";
    private static final String BEARER = "bearer ";

    /** RFC 6749 §2.3.1: id and secret, form-urlencoded, joined and base64'd in {@code Authorization}. */
    static final CredentialReader CLIENT_SECRET_BASIC = new CredentialReader() {
        @Override
        public Credential read(RoutingContext ctx, RequestFields fields) {
            String authorization = ctx.request().getHeader("Authorization");
            if (authorization == null || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
                return null;
            }
            Credential.ClientSecret credential = decodeBasic(authorization.substring(BASIC.length()).trim());
            String bodyId = fields.value("client_id");
            if (bodyId != null && !bodyId.equals(credential.clientId())) {
                throw LatchkeyException.invalidRequest("client_id in the body differs from the authenticated client.");
            }
            return credential;
        }

        @Override
        public String metadataName() {
            return "client_secret_basic";
        }
    };

    /** RFC 6749 §2.3.1: {@code client_id} and {@code client_secret} in the body. */
    static final CredentialReader CLIENT_SECRET_POST = new CredentialReader() {
        @Override
        public Credential read(RoutingContext ctx, RequestFields fields) {
            String secret = fields.value("client_secret");
            return secret == null ? null
                    : new Credential.ClientSecret(fields.value("client_id"), secret, "client_secret_post");
        }

        @Override
        public String metadataName() {
            return "client_secret_post";
        }
    };

    /** RFC 7521 §4.2: the only assertion type RFC 7523 §2.2 defines for client authentication. */
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /**
     * RFC 7523 §2.2: {@code client_assertion_type} and {@code client_assertion} in the body, and
     * {@code client_id} optionally, equal to the assertion's issuer. The assertion is only parsed
     * here, for the client it names; {@code PrivateKeyJwtAuthentication} checks it.
     */
    static final CredentialReader PRIVATE_KEY_JWT = new CredentialReader() {
        @Override
        public Credential read(RoutingContext ctx, RequestFields fields) {
            String type = fields.value("client_assertion_type");
            String assertion = fields.value("client_assertion");
            if (type == null && assertion == null) {
                return null;
            }
            if (!JWT_BEARER.equals(type) || assertion == null) {
                throw LatchkeyException.invalidRequest("client_assertion_type must be " + JWT_BEARER
                        + ", with a client_assertion.");
            }
            if (assertion.length() > Credential.ClientAssertion.MAX_ASSERTION_LENGTH) {
                throw LatchkeyException.invalidClient();
            }
            String issuer;
            try {
                issuer = com.nimbusds.jwt.SignedJWT.parse(assertion).getJWTClaimsSet().getIssuer();
            } catch (java.text.ParseException e) {
                throw LatchkeyException.invalidClient();
            }
            String bodyId = fields.value("client_id");
            if (bodyId != null && !bodyId.equals(issuer)) {
                throw LatchkeyException.invalidRequest("client_id in the body differs from the assertion's issuer.");
            }
            return new Credential.ClientAssertion(issuer, assertion);
        }

        @Override
        public String metadataName() {
            return "private_key_jwt";
        }
    };

    /**
     * RFC 8705 §2: a client certificate, from the handshake or a trusted proxy
     * ({@link ClientCertificates}), with the {@code client_id} in the body that says which client
     * it is for. A request that carries another credential uses that one: a certificate offered
     * in the handshake is not a method by itself. {@code MutualTlsAuthentication} checks it.
     */
    static final CredentialReader TLS_CLIENT_CERTIFICATE = new CredentialReader() {
        @Override
        public Credential read(RoutingContext ctx, RequestFields fields) {
            String clientId = fields.value("client_id");
            if (clientId == null || ctx.request().getHeader("Authorization") != null
                    || fields.value("client_secret") != null || fields.value("client_assertion") != null
                    || fields.value("client_assertion_type") != null || fields.value("password") != null) {
                return null;
            }
            java.util.List<java.security.cert.X509Certificate> chain = ClientCertificates.presented(ctx);
            return chain == null ? null : new Credential.ClientCertificate(clientId, chain);
        }

        @Override
        public java.util.List<String> metadataNames() {
            return ClientCertificates.METHODS;
        }
    };

    /** The integration model's {@code username} and {@code password}, on {@code /oauth2/token}'s client_credentials. */
    static final CredentialReader USERNAME_PASSWORD = (ctx, fields) -> {
        String password = fields.value("password");
        return password == null ? null
                : new Credential.ClientSecret(fields.value("username"), password, "client_secret_post");
    };

    /** The pipeline's token retrieval: both fields are required there (a missing one is a 400). */
    static final CredentialReader PIPELINE_USERNAME_PASSWORD = (ctx, fields) ->
            new Credential.ClientSecret(required(fields, "username"), required(fields, "password"),
                    "client_secret_post");

    static final CredentialReader API_KEY_IN_HEADER = (ctx, fields) -> {
        String key = ctx.request().getHeader(API_KEY_HEADER);
        return key == null ? null : new Credential.AdminApiKey(key);
    };

    /** The pipeline's {@code apikey} field. */
    static final CredentialReader API_KEY_IN_BODY = (ctx, fields) -> {
        String key = fields.value("apikey");
        return key == null ? null : new Credential.AdminApiKey(key);
    };

    /** RFC 6750 §2.1: the metrics token as a bearer token. */
    static final CredentialReader METRICS_BEARER = (ctx, fields) -> {
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return new Credential.ServiceToken("metrics", authorization.substring(BEARER.length()).trim());
    };

    /** Every way a client authenticates, in the order metadata lists them. */
    static final List<CredentialReader> CLIENT_METHODS = List.of(CLIENT_SECRET_BASIC, CLIENT_SECRET_POST,
            PRIVATE_KEY_JWT, TLS_CLIENT_CERTIFICATE);

    /** {@code /oauth2/token} with the client_credentials grant: a client, or the model's username/password. */
    static final Accepted CLIENT_OR_MODEL_ALIAS = new Accepted(List.of(
            concat(CLIENT_METHODS, USERNAME_PASSWORD)), LatchkeyException::invalidClient);
    /** The refresh_token grant, revocation: a client. */
    static final Accepted CLIENT = new Accepted(List.of(CLIENT_METHODS), LatchkeyException::invalidClient);
    /** Introspection (RFC 7662 §2.1): an admin API key, else a client. */
    static final Accepted API_KEY_OR_CLIENT = new Accepted(List.of(List.of(API_KEY_IN_HEADER), CLIENT_METHODS),
            LatchkeyException::invalidClient);
    /** The admin API. */
    static final Accepted API_KEY = new Accepted(List.of(List.of(API_KEY_IN_HEADER)), LatchkeyException::invalidApiKey);
    /** The pipeline's credential generation and removal. */
    static final Accepted PIPELINE_API_KEY = new Accepted(List.of(List.of(API_KEY_IN_BODY)),
            LatchkeyException::invalidApiKey);
    /** The pipeline's token retrieval. */
    static final Accepted PIPELINE_CLIENT = new Accepted(List.of(List.of(PIPELINE_USERNAME_PASSWORD)),
            LatchkeyException::invalidClient);
    /** {@code /metrics} with a metrics token configured. */
    static final Accepted METRICS_TOKEN = new Accepted(List.of(List.of(METRICS_BEARER)),
            () -> LatchkeyException.invalidBearerToken("GET /metrics needs Authorization: Bearer with the metrics token."));
    /** Nothing: the pipeline's refresh flow, whose refresh token is its own credential. */
    static final Accepted NOTHING = new Accepted(List.of(), null);

    private Credentials() {
    }

    /**
     * What an endpoint accepts.
     *
     * @param groups  ways to authenticate, in order of precedence
     * @param missing the error when the request uses none of them (null: none is needed)
     */
    record Accepted(List<List<CredentialReader>> groups, Supplier<LatchkeyException> missing) {
        /** The one credential the request carries. */
        Credential read(RoutingContext ctx, RequestFields fields) {
            for (List<CredentialReader> group : groups) {
                Credential found = null;
                for (CredentialReader reader : group) {
                    Credential credential = reader.read(ctx, fields);
                    if (credential != null) {
                        if (found != null) {
                            throw LatchkeyException.invalidRequest("Use exactly one client authentication method.");
                        }
                        found = credential;
                    }
                }
                if (found != null) {
                    return found;
                }
            }
            if (missing != null) {
                throw missing.get();
            }
            return new Credential.None();
        }
    }

    /** The RFC 8414 names of the client-authentication methods; those of a certificate only with {@code mutualTls}. */
    static List<String> clientMethodNames(boolean mutualTls) {
        return CLIENT_METHODS.stream()
                .filter(reader -> mutualTls || reader != TLS_CLIENT_CERTIFICATE)
                .flatMap(reader -> reader.metadataNames().stream()).toList();
    }

    /** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64'd. */
    static Credential.ClientSecret decodeBasic(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw LatchkeyException.invalidClient();
            }
            return new Credential.ClientSecret(
                    URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8), "client_secret_basic");
        } catch (IllegalArgumentException e) {
            throw LatchkeyException.invalidClient();
        }
    }

    private static String required(RequestFields fields, String name) {
        String value = fields.value(name);
        if (value == null) {
            throw LatchkeyException.invalidRequest("The field '" + name + "' is required.");
        }
        return value;
    }

    private static List<CredentialReader> concat(List<CredentialReader> readers, CredentialReader more) {
        return java.util.stream.Stream.concat(readers.stream(), java.util.stream.Stream.of(more)).toList();
    }
}
