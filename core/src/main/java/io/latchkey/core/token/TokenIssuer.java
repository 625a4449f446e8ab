package io.latchkey.core.token;

import io.latchkey.core.api.Api;
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

    /** Starts a new rotation family for one API ({@code api} null: for the server's own audience). */
    public IssuedTokens issueNewFamily(Client client, Scopes scope, Api api) {
        return issue(client, scope, scope, ids.id(), api);
    }

    /**
     * As {@link #issueNewFamily(Client, Scopes, Api)}, the access token bound to {@code binding}
     * when it is not null, the refresh token to what of it {@link Confirmation#forRefreshToken()}
     * keeps (RFC 8705 §4, RFC 9449 §5).
     */
    public IssuedTokens issueNewFamily(Client client, Scopes scope, Api api, Confirmation binding) {
        return issue(client, scope, scope, ids.id(), api, binding, binding == null ? null : binding.forRefreshToken());
    }

    /**
     * An access token for {@code accessScope} and a refresh token for {@code refreshScope}, both
     * in {@code familyId}. RFC 6749 §6: a refresh token keeps the scope it was granted even when
     * the access token is narrowed.
     */
    public IssuedTokens issue(Client client, Scopes accessScope, Scopes refreshScope, String familyId) {
        return issue(client, accessScope, refreshScope, familyId, null);
    }

    /**
     * As {@link #issue(Client, Scopes, Scopes, String)}, for {@code api} when not null (RFC 8707):
     * the access token's {@code aud} is the API's identifier, and the refresh token's audience
     * names it after this server, so that a refresh that names no resource stays with that API.
     */
    public IssuedTokens issue(Client client, Scopes accessScope, Scopes refreshScope, String familyId, Api api) {
        return issue(client, accessScope, refreshScope, familyId, api, null, null);
    }

    /**
     * As {@link #issue(Client, Scopes, Scopes, String, Api)}, the access token bound to {@code
     * accessBinding} and the refresh token to {@code refreshBinding}, each when not null
     * ({@code cnf}, RFC 7800 §3.1).
     */
    public IssuedTokens issue(Client client, Scopes accessScope, Scopes refreshScope, String familyId, Api api,
                              Confirmation accessBinding, Confirmation refreshBinding) {
        // JWT times are whole seconds; truncating keeps iat/exp exactly as the receiver reads them.
        Instant exact = clock.instant();
        Instant now = exact.truncatedTo(ChronoUnit.SECONDS);
        Duration ttl = accessTokenTtl(client, api);
        List<String> accessAudience = api == null ? settings.audience() : List.of(api.identifier().value());
        List<String> refreshAudience = api == null ? List.of(settings.issuer())
                : List.of(settings.issuer(), api.identifier().value());
        String access = sign(TokenKind.ACCESS, client, accessScope, familyId, accessAudience,
                ids.timeOrderedId(exact), now, now.plus(ttl), accessBinding);
        String refresh = sign(TokenKind.REFRESH, client, refreshScope, familyId, refreshAudience,
                ids.timeOrderedId(exact), now, now.plus(settings.refreshTokenTtl()), refreshBinding);
        return new IssuedTokens(access, refresh, ttl, accessScope, api, accessBinding);
    }

    /**
     * SPEC §6: the API's lifetime, else the server's, capped by the client's; and never beyond the
     * server's access-token lifetime, which is how long {@link RevocationList} remembers what a
     * revoked family's access tokens need (so an API may ask for shorter tokens, not longer).
     */
    Duration accessTokenTtl(Client client, Api api) {
        return accessTokenTtl(settings, client, api);
    }

    static Duration accessTokenTtl(TokenSettings settings, Client client, Api api) {
        Duration ttl = api != null && api.accessTokenTtl() != null ? api.accessTokenTtl() : settings.accessTokenTtl();
        if (client.accessTokenTtl() != null && client.accessTokenTtl().compareTo(ttl) < 0) {
            ttl = client.accessTokenTtl();
        }
        Duration longest = settings.accessTokenTtl();
        return ttl.compareTo(longest) > 0 ? longest : ttl;
    }

    public Duration accessTokenTtl() {
        return settings.accessTokenTtl();
    }

    private String sign(TokenKind kind, Client client, Scopes scope, String familyId, List<String> audience,
                        String jti, Instant issuedAt, Instant expiresAt, Confirmation binding) {
        // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti; scope per §2.2.3.
        return CompactJwt.sign(header(kind), new CompactJwt.Claims(
                settings.issuer(), client.id().value(), audience, issuedAt.getEpochSecond(),
                expiresAt.getEpochSecond(), jti, client.id().value(),
                scope.isEmpty() ? null : scope.spaceDelimited(), client.partnerId(), familyId, binding));
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
