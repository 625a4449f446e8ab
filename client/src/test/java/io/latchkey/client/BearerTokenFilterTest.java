package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.testing.SettableClock;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The servlet filter's answers (RFC 6750 §3), on a verifier with a configured shared key and
 * tokens signed with it here: what the filter does with a verdict needs no server.
 */
class BearerTokenFilterTest {
    private static final String ISSUER = "https://auth.example";
    private static final byte[] SECRET = new byte[32];

    static {
        new SecureRandom().nextBytes(SECRET);
    }

    private final SettableClock clock = SettableClock.startingNow();
    private final TokenVerifier verifier = TokenVerifier.builder(URI.create(ISSUER)).sharedKey(SECRET).clock(clock).build();
    private final BearerTokenFilter filter = new BearerTokenFilter(verifier, "orders", "orders:read");

    @Test
    void aRequestWithoutATokenGets401WithABareChallenge() throws Exception {
        Exchange exchange = filter(null);

        assertThat(exchange.status).isEqualTo(401);
        assertThat(exchange.headers).containsEntry("WWW-Authenticate", "Bearer realm=\"orders\"");
        assertThat(exchange.passedOn.get()).isNull();
    }

    @Test
    void anInvalidTokenGets401InvalidToken() throws Exception {
        String token = token("orders:read");
        clock.advance(Duration.ofHours(2));

        Exchange exchange = filter("Bearer " + token);

        assertThat(exchange.status).isEqualTo(401);
        assertThat(exchange.headers.get("WWW-Authenticate")).isEqualTo("Bearer realm=\"orders\", "
                + "error=\"invalid_token\", error_description=\"The token has expired.\"");
        assertThat(exchange.body.toString()).contains("\"error\":\"invalid_token\"").doesNotContain(token);
        assertThat(exchange.passedOn.get()).isNull();
    }

    @Test
    void aTokenWithoutTheFiltersScopeGets403InsufficientScope() throws Exception {
        Exchange exchange = filter("Bearer " + token("orders:write"));

        assertThat(exchange.status).isEqualTo(403);
        assertThat(exchange.headers.get("WWW-Authenticate")).contains("error=\"insufficient_scope\"")
                .contains("scope=\"orders:read\"");
    }

    @Test
    void aValidTokenPassesWithItsPrincipalAsTheUserPrincipal() throws Exception {
        Exchange exchange = filter("Bearer " + token("orders:read"));

        HttpServletRequest passed = exchange.passedOn.get();
        assertThat(passed).isNotNull();
        assertThat(passed.getUserPrincipal()).isInstanceOfSatisfying(TokenPrincipal.class, principal -> {
            assertThat(principal.clientId()).isEqualTo("client-1");
            assertThat(principal.partnerId()).isEqualTo("TestSystem");
        });
        assertThat(passed.getRemoteUser()).isEqualTo("client-1");
        assertThat(exchange.attributes.get(BearerTokenFilter.PRINCIPAL_ATTRIBUTE)).isEqualTo(passed.getUserPrincipal());
        assertThat(exchange.status).isZero(); // the filter wrote nothing
    }

    @Test
    void aRealmThatWouldBreakTheChallengeIsRefused() {
        assertThatThrownBy(() -> new BearerTokenFilter(verifier, "a\"b")).isInstanceOf(IllegalArgumentException.class);
    }

    private String token(String scope) throws Exception {
        Date now = Date.from(clock.instant());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt"))
                .keyID("k1").build(), new JWTClaimsSet.Builder().issuer(ISSUER).audience(ISSUER)
                .subject("client-1").claim("client_id", "client-1").claim("partner_id", "TestSystem")
                .claim("scope", scope).jwtID("j1").issueTime(now)
                .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(1)))).build());
        jwt.sign(new MACSigner(SECRET));
        return jwt.serialize();
    }

    private Exchange filter(String authorization) throws Exception {
        Exchange exchange = new Exchange();
        HttpServletRequest request = proxy(HttpServletRequest.class, (method, args) -> switch (method) {
            case "getHeader" -> "Authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
            case "setAttribute" -> exchange.attributes.put((String) args[0], args[1]);
            case "getAttribute" -> exchange.attributes.get(args[0]);
            default -> null;
        });
        HttpServletResponse response = proxy(HttpServletResponse.class, (method, args) -> switch (method) {
            case "setStatus" -> exchange.status = (Integer) args[0];
            case "setHeader" -> exchange.headers.put((String) args[0], (String) args[1]);
            case "getWriter" -> exchange.writer;
            default -> null;
        });
        FilterChain chain = (req, res) -> exchange.passedOn.set((HttpServletRequest) req);
        filter.doFilter(request, response, chain);
        return exchange;
    }

    /** Just enough of a servlet container: what the filter calls, answered by {@code answers}. */
    @FunctionalInterface
    private interface Answers {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answers answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> answers.answer(method.getName(), args)));
    }

    private static final class Exchange {
        final Map<String, Object> attributes = new HashMap<>();
        final Map<String, String> headers = new HashMap<>();
        final StringWriter body = new StringWriter();
        final PrintWriter writer = new PrintWriter(body, true);
        final AtomicReference<HttpServletRequest> passedOn = new AtomicReference<>();
        int status;
    }
}
