package io.latchkey.core.token;

import io.latchkey.core.auth.Caller;
import io.latchkey.core.api.ApiRegistry;
import io.latchkey.core.api.MemoryApiStore;
import io.latchkey.core.audit.Actor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.audit.MemoryAuditLog;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.MemoryClientStore;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.key.KeySealer;
import io.latchkey.core.key.KeyService;
import io.latchkey.core.key.MemoryKeyStore;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.secret.SecretHasher;
import io.latchkey.testing.SettableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** RFC 9700 §4.14.2 refresh-token rotation, on in-memory stores and real signed tokens. */
class RefreshTokenRotationTest {
    private static final String ISSUER = "https://auth.example.com";
    private static final Duration ACCESS_TTL = Duration.ofMinutes(15);
    private static final Duration REFRESH_TTL = Duration.ofDays(30);
    private static final String SOURCE = "192.0.2.7";

    private final SecureRandom random = new SecureRandom();
    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final KeyService keys = new KeyService(new MemoryKeyStore(), new KeySealer(masterKey()), random, clock,
            SigningAlgorithm.HS256, ACCESS_TTL, REFRESH_TTL);
    private final SecretGenerator ids = new SecretGenerator(random);
    private final TokenSettings settings = new TokenSettings(ISSUER, List.of(ISSUER), ACCESS_TTL, REFRESH_TTL);
    private final MemoryRevocationStore store = new MemoryRevocationStore();
    private final RevocationList revocations = new RevocationList(store, settings, clock);
    private final MemoryAuditLog audit = new MemoryAuditLog();
    private final ClientRegistry clients;
    private final TokenIssuer issuer;
    private final TokenVerifier verifier;
    private final TokenIntrospection introspection;
    private final RefreshTokenRotation rotation;
    private final Client client;

    RefreshTokenRotationTest() {
        keys.load();
        clients = new ClientRegistry(new MemoryClientStore(), new SecretHasher(keys.pepper()), ids, clock,
                new Auditor(new MemoryAuditLog(), ids, clock));
        issuer = new TokenIssuer(keys, settings, ids, clock);
        verifier = new TokenVerifier(keys, ISSUER, clock);
        ApiRegistry apis = new ApiRegistry(new MemoryApiStore(), ids, clock, new Auditor(audit, ids, clock));
        introspection = new TokenIntrospection(verifier, clients, revocations, store, apis, settings);
        rotation = new RefreshTokenRotation(clients, issuer, verifier, revocations, store, new Auditor(audit, ids, clock),
                apis);
        client = clients.create("TestSystem", null, Scopes.of(List.of("orders:read", "orders:write")), OPERATOR).client();
    }

    @Test
    void aRefreshTokenIsExchangedForSuccessorsOfItsFamily() {
        IssuedTokens first = issuer.issueNewFamily(client, client.scopes());

        IssuedTokens second = rotation.refresh(first.refreshToken(), by(client), null);

        TokenClaims old = refreshClaims(first);
        TokenClaims renewed = refreshClaims(second);
        assertThat(renewed.jti()).isNotEqualTo(old.jti());
        assertThat(renewed.familyId()).isEqualTo(old.familyId());
        assertThat(accessClaims(second).familyId()).isEqualTo(old.familyId());
        assertThat(renewed.scope()).isEqualTo(client.scopes());
        assertThat(store.isRefreshTokenConsumed(old.jti())).isTrue();
        assertThat(introspection.introspect(first.refreshToken())).isEmpty(); // spent
        assertThat(introspection.introspect(second.refreshToken())).isPresent();
    }

    @Test
    void eachRotationCountsTheRefreshTokensLifetimeAfresh() {
        IssuedTokens first = issuer.issueNewFamily(client, client.scopes());
        clock.advance(REFRESH_TTL.minusMinutes(1));

        IssuedTokens second = rotation.refresh(first.refreshToken(), by(client), null);
        clock.advance(Duration.ofMinutes(2)); // past the first token's expiry

        assertThat(rotation.refresh(second.refreshToken(), by(client), null).refreshToken()).isNotNull();
    }

    @Test
    void refreshTokenReuseRevokesTheWholeFamily() {
        IssuedTokens first = issuer.issueNewFamily(client, client.scopes());
        IssuedTokens second = rotation.refresh(first.refreshToken(), by(client), null);
        String familyId = refreshClaims(first).familyId();

        assertInvalidGrant(() -> rotation.refresh(first.refreshToken(), by(client), null), "already used");

        assertThat(revocations.isFamilyRevoked(familyId)).isTrue();
        assertThat(store.isFamilyRevoked(familyId)).as("revoked in the store too").isTrue();
        assertInvalidGrant(() -> rotation.refresh(second.refreshToken(), by(client), null), "revoked");
        for (String token : List.of(first.accessToken(), second.accessToken(), second.refreshToken())) {
            assertThat(introspection.introspect(token)).isEmpty();
        }
    }

    @Test
    void reuseIsDetectedAlsoGenerationsLater() {
        IssuedTokens first = issuer.issueNewFamily(client, client.scopes());
        IssuedTokens latest = first;
        for (int i = 0; i < 5; i++) {
            latest = rotation.refresh(latest.refreshToken(), by(client), null);
        }
        String newest = latest.refreshToken();

        assertInvalidGrant(() -> rotation.refresh(first.refreshToken(), by(client), null), "already used");

        assertInvalidGrant(() -> rotation.refresh(newest, by(client), null), "revoked");
    }

    @Test
    void reuseIsAuditedWithTheClientTheSourceAndTheFamilyButNoToken() {
        IssuedTokens first = issuer.issueNewFamily(client, client.scopes());
        rotation.refresh(first.refreshToken(), by(client), null);

        assertInvalidGrant(() -> rotation.refresh(first.refreshToken(), by(client), null), "already used");

        assertThat(audit.all()).singleElement().satisfies(event -> {
            assertThat(event.action()).isEqualTo(AuditAction.REFRESH_TOKEN_REUSE_DETECTED);
            assertThat(event.actor()).isEqualTo("client:" + client.id().value());
            assertThat(event.source()).isEqualTo(SOURCE);
            assertThat(event.clientId()).isEqualTo(client.id().value());
            assertThat(event.detail()).contains(refreshClaims(first).familyId()).doesNotContain(first.refreshToken());
            assertThat(event.at()).isEqualTo(clock.instant());
        });
    }

    @Test
    void reuseLeavesTheClientsOtherFamiliesAlone() {
        IssuedTokens reused = issuer.issueNewFamily(client, client.scopes());
        IssuedTokens other = issuer.issueNewFamily(client, client.scopes());
        rotation.refresh(reused.refreshToken(), by(client), null);

        assertInvalidGrant(() -> rotation.refresh(reused.refreshToken(), by(client), null), "already used");

        assertThat(introspection.introspect(other.accessToken())).isPresent();
        assertThat(rotation.refresh(other.refreshToken(), by(client), null).accessToken()).isNotNull();
    }

    @Test
    void aFamilyRevokedByAnotherInstanceRefusesItsTokensThoughThisOneHasNotHeardYet() {
        IssuedTokens tokens = issuer.issueNewFamily(client, client.scopes());
        TokenClaims claims = refreshClaims(tokens);
        store.revokeFamily(claims.familyId(), client.id().value(), clock.instant(), clock.instant().plus(REFRESH_TTL));

        assertInvalidGrant(() -> rotation.refresh(tokens.refreshToken(), by(client), null), "revoked");

        assertThat(audit.all()).isEmpty(); // a revoked family is not a reuse
    }

    @Test
    void aRevokedFamilyIsRefusedBeforeItsTokenIsSpent() {
        IssuedTokens tokens = issuer.issueNewFamily(client, client.scopes());
        TokenClaims claims = refreshClaims(tokens);
        revocations.revokeFamily(claims.familyId(), client.id().value());

        assertInvalidGrant(() -> rotation.refresh(tokens.refreshToken(), by(client), null), "revoked");

        assertThat(store.isRefreshTokenConsumed(claims.jti())).isFalse();
    }

    @Test
    void aRefreshTokenIssuedToAnotherClientIsRefusedAndStaysUsableByItsOwn() {
        IssuedTokens tokens = issuer.issueNewFamily(client, client.scopes());
        Client stranger = clients.create("OtherSystem", null, client.scopes(), OPERATOR).client();

        assertInvalidGrant(() -> rotation.refresh(tokens.refreshToken(), by(stranger), null), "not issued to this client");

        assertThat(rotation.refresh(tokens.refreshToken(), by(client), null).accessToken()).isNotNull();
    }

    @Test
    void withoutAnAuthenticatedClientTheTokenNamesItsClient() {
        IssuedTokens tokens = issuer.issueNewFamily(client, client.scopes());

        IssuedTokens renewed = rotation.refresh(tokens.refreshToken(), ANONYMOUS, null);

        assertThat(accessClaims(renewed).clientId()).isEqualTo(client.id().value());
    }

    @Test
    void theRefreshTokenOfADeletedClientIsRefused() {
        IssuedTokens tokens = issuer.issueNewFamily(client, client.scopes());
        clients.delete(client.id(), OPERATOR);

        assertInvalidGrant(() -> rotation.refresh(tokens.refreshToken(), ANONYMOUS, null), "no longer exists");
    }

    @Test
    void aNarrowerScopeNarrowsTheAccessTokenButNotTheRefreshToken() {
        IssuedTokens tokens = issuer.issueNewFamily(client, client.scopes());

        IssuedTokens narrowed = rotation.refresh(tokens.refreshToken(), by(client), "orders:read");

        assertThat(narrowed.scope().asList()).containsExactly("orders:read");
        assertThat(accessClaims(narrowed).scope().asList()).containsExactly("orders:read");
        assertThat(refreshClaims(narrowed).scope()).isEqualTo(client.scopes());
    }

    @Test
    void askingForMoreScopeThanGrantedIsInvalidScopeAndSpendsNothing() {
        IssuedTokens tokens = issuer.issueNewFamily(client, Scopes.of(List.of("orders:read")));

        assertThatThrownBy(() -> rotation.refresh(tokens.refreshToken(), by(client), "orders:write"))
                .isInstanceOfSatisfying(LatchkeyException.class,
                        e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_SCOPE));

        assertThat(store.isRefreshTokenConsumed(refreshClaims(tokens).jti())).isFalse();
    }

    @Test
    void aForgedExpiredOrAccessTokenIsAFailedAuthenticationNotAReuse() {
        IssuedTokens tokens = issuer.issueNewFamily(client, client.scopes());
        String refreshToken = tokens.refreshToken();
        String familyId = refreshClaims(tokens).familyId();
        String forged = refreshToken.substring(0, refreshToken.length() - 2)
                + (refreshToken.endsWith("AA") ? "BB" : "AA");

        for (String token : List.of("not-a-jwt", forged, tokens.accessToken())) {
            assertFailedAuthentication(() -> rotation.refresh(token, by(client), null));
        }
        clock.advance(REFRESH_TTL.plusSeconds(1));
        assertFailedAuthentication(() -> rotation.refresh(refreshToken, by(client), null));

        assertThat(audit.all()).isEmpty();
        assertThat(revocations.isFamilyRevoked(familyId)).isFalse();
    }

    private TokenClaims refreshClaims(IssuedTokens tokens) {
        return verifier.verify(tokens.refreshToken(), TokenKind.REFRESH).orElseThrow();
    }

    private TokenClaims accessClaims(IssuedTokens tokens) {
        return verifier.verify(tokens.accessToken(), TokenKind.ACCESS).orElseThrow();
    }

    private static void assertInvalidGrant(ThrowingCallable refresh, String why) {
        assertThatThrownBy(refresh).isInstanceOfSatisfying(LatchkeyException.class, e -> {
            assertThat(e.error()).isEqualTo(ErrorCode.INVALID_GRANT);
            assertThat(e.getMessage()).contains(why);
            assertThat(e.failedAuthentication()).isFalse();
        });
    }

    private static void assertFailedAuthentication(ThrowingCallable refresh) {
        assertThatThrownBy(refresh).isInstanceOfSatisfying(LatchkeyException.class, e -> {
            assertThat(e.error()).isEqualTo(ErrorCode.INVALID_GRANT);
            assertThat(e.failedAuthentication()).isTrue();
        });
    }

    private byte[] masterKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    /** The pipeline's refresh flow: nobody authenticates, the refresh token is the credential. */
    private static final Actor ANONYMOUS = new Actor(new Caller.Anonymous(), SOURCE);
    private static final Actor OPERATOR = Actor.offline("test");

    private static Actor by(Client client) {
        return new Actor(new Caller.ClientCaller(client, "client_secret_basic"), SOURCE);
    }
}
