package io.latchkey.core.token;

import io.latchkey.core.client.Client;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.key.KeyService;
import io.latchkey.core.key.SigningKey;
import io.latchkey.core.secret.SecretGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Mints signed tokens. Issuing writes nothing anywhere: a refresh token is a self-contained
 * signed JWT, and the store only ever learns of it when it is consumed or revoked.
 */
public final class TokenIssuer {
    static final String CLAIM_CLIENT_ID = "client_id";
    static final String CLAIM_SCOPE = "scope";
    static final String CLAIM_PARTNER_ID = "partner_id";
    static final String CLAIM_FAMILY_ID = "fid";

    private final KeyService keys;
    private final TokenSettings settings;
    private final SecretGenerator ids;
    private final Clock clock;
    private final AtomicReferenceArray<CompactJwt.Header> headers =
            new AtomicReferenceArray<>(TokenKind.values().length);

    public TokenIssuer(KeyService keys, TokenSettings settings, SecretGenerator ids, Clock clock) {
        this.keys = keys;
        this.settings = settings;
        this.ids = ids;
        this.clock = clock;
    }

    /** Starts a new rotation family: what a client_credentials grant returns. */
    public IssuedTokens issueNewFamily(Client client, Scopes scope) {
        return issue(client, scope, scope, ids.id());
    }

    /**
     * An access token for {@code accessScope} and a refresh token for {@code refreshScope}, both
     * in {@code familyId}. RFC 6749 §6: a refresh token keeps the scope it was granted even when
     * the access token is narrowed.
     */
    public IssuedTokens issue(Client client, Scopes accessScope, Scopes refreshScope, String familyId) {
        // JWT times are whole seconds; truncating keeps iat/exp exactly as the receiver reads them.
        Instant exact = clock.instant();
        Instant now = exact.truncatedTo(ChronoUnit.SECONDS);
        String access = sign(TokenKind.ACCESS, client, accessScope, familyId, settings.audience(),
                ids.timeOrderedId(exact), now, now.plus(settings.accessTokenTtl()));
        String refresh = sign(TokenKind.REFRESH, client, refreshScope, familyId, List.of(settings.issuer()),
                ids.timeOrderedId(exact), now, now.plus(settings.refreshTokenTtl()));
        return new IssuedTokens(access, refresh, settings.accessTokenTtl(), accessScope);
    }

    public Duration accessTokenTtl() {
        return settings.accessTokenTtl();
    }

    private String sign(TokenKind kind, Client client, Scopes scope, String familyId, List<String> audience,
                        String jti, Instant issuedAt, Instant expiresAt) {
        // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti; scope per §2.2.3.
        return CompactJwt.sign(header(kind), new CompactJwt.Claims(
                settings.issuer(), client.id().value(), audience, issuedAt.getEpochSecond(),
                expiresAt.getEpochSecond(), jti, client.id().value(),
                scope.isEmpty() ? null : scope.spaceDelimited(), client.partnerId(), familyId));
    }

    /** The current key's header for {@code kind}, encoded again only when the key changes. */
    private CompactJwt.Header header(TokenKind kind) {
        SigningKey key = keys.ring().current(kind.keyPurpose());
        CompactJwt.Header cached = headers.get(kind.ordinal());
        if (cached != null && cached.key() == key) {
            return cached;
        }
        CompactJwt.Header fresh = CompactJwt.Header.of(key, kind);
        headers.set(kind.ordinal(), fresh);
        return fresh;
    }
}
