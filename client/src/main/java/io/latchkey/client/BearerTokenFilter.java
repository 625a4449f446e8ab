package io.latchkey.client;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A servlet filter that lets through only requests with a valid Latchkey access token
 * ({@code Authorization: Bearer …}, RFC 6750 §2.1, or a DPoP-bound one as {@code Authorization:
 * DPoP …} with its {@code DPoP} proof, RFC 9449 §7.1; a bound token as Bearer is refused) and answers the rest as RFC 6750 §3 says:
 * 401 with {@code WWW-Authenticate: Bearer realm="…"} and no error when no token was sent, 401
 * {@code error="invalid_token"} for a bad one, 403 {@code error="insufficient_scope"} for a
 * missing scope. A token bound to a client certificate (RFC 8705 §3) passes only over a connection
 * with that certificate. Behind it, {@link HttpServletRequest#getUserPrincipal()} is the
 * {@link TokenPrincipal}, also under the request attribute {@link #PRINCIPAL_ATTRIBUTE}.
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(new BearerTokenFilter(verifier, "orders", "orders:read")), "/orders/*", null);
 * }</pre>
 */
public final class BearerTokenFilter implements Filter {
    public static final String PRINCIPAL_ATTRIBUTE = TokenPrincipal.class.getName();
    /** RFC 6750 §3: realm is a quoted-string; keep it to characters that need no escaping. */
    private static final Pattern REALM = Pattern.compile("[\\x20-\\x7E&&[^\"\\\\]]+");

    private final TokenVerifier verifier;
    private final String realm;
    private final List<String> requiredScopes;

    /** @param requiredScopes scopes this filter's paths need, besides those the verifier requires */
    public BearerTokenFilter(TokenVerifier verifier, String realm, String... requiredScopes) {
        this.verifier = Objects.requireNonNull(verifier);
        if (!REALM.matcher(realm).matches()) {
            throw new IllegalArgumentException("a realm is printable ASCII without quotes or backslashes");
        }
        this.realm = realm;
        this.requiredScopes = List.of(requiredScopes);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        TokenPrincipal principal;
        try {
            String authorization = http.getHeader("Authorization");
            // The DPoP scheme's headers and the request's URI are read only for a DPoP request.
            principal = TokenVerifier.isDpopScheme(authorization)
                    ? verifier.verifyRequest(authorization, java.util.Collections.list(http.getHeaders("DPoP")),
                            http.getMethod(), requestUri(http), requiredScopes, clientCertificate(http))
                    : verifier.verify(TokenVerifier.bearerToken(authorization), requiredScopes,
                            clientCertificate(http));
        } catch (TokenRejectedException e) {
            refuse((HttpServletResponse) response, e);
            return;
        }
        http.setAttribute(PRINCIPAL_ATTRIBUTE, principal);
        chain.doFilter(new AuthenticatedRequest(http, principal), response);
    }

    /**
     * The client certificate of the request's TLS connection, as the container gives it (Servlet
     * §3.10, {@code jakarta.servlet.request.X509Certificate}), or null: a certificate-bound token
     * (RFC 8705 §3) passes only with it. Behind a TLS-terminating proxy the container must put the
     * forwarded certificate there.
     */
    private static java.security.cert.X509Certificate clientCertificate(HttpServletRequest http) {
        Object chain = http.getAttribute("jakarta.servlet.request.X509Certificate");
        return chain instanceof java.security.cert.X509Certificate[] certificates && certificates.length > 0
                ? certificates[0] : null;
    }

    /**
     * The URI the client called, for a DPoP proof's {@code htu} (RFC 9449 §4.3): the container's
     * view of it, so a server behind a proxy must have its container honour the forwarded headers.
     */
    private static java.net.URI requestUri(HttpServletRequest http) {
        try {
            return java.net.URI.create(http.getRequestURL().toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void refuse(HttpServletResponse response, TokenRejectedException rejection) throws IOException {
        response.setStatus(rejection.httpStatus());
        if (rejection.httpStatus() == 503) {
            response.setHeader("Retry-After", "1");
        } else {
            response.setHeader("WWW-Authenticate", rejection.wwwAuthenticate(realm));
        }
        response.setHeader("Cache-Control", "no-store");
        String error = rejection.reason().bearerError();
        if (error != null) {
            response.setContentType("application/json");
            response.getWriter().write("{\"error\":\"" + error + "\",\"error_description\":\""
                    + rejection.reason().description() + "\"}");
        }
    }

    /** The request as the application sees it: authenticated as the token's client. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final TokenPrincipal principal;

        AuthenticatedRequest(HttpServletRequest request, TokenPrincipal principal) {
            super(request);
            this.principal = principal;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return principal.clientId();
        }

        @Override
        public String getAuthType() {
            return "Bearer";
        }
    }
}
