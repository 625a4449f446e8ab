package io.latchkey.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.key.KeyService;
import io.latchkey.core.key.SigningKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a token is one this server minted, of the expected kind, and unexpired: signature
 * by a key of the ring for that kind, with the header's {@code alg} equal to that key's (so no
 * algorithm confusion), {@code typ}, {@code iss}, and {@code exp}.
 *
 * <p>No clock-skew leeway: this server wrote {@code exp} from its own clock, so a token past it is
 * refused at once (SPEC §5). Revocation and client existence are the callers' checks.
 */
public final class TokenVerifier {
    /** Far above any token we mint (under 1 KiB); parsing stops before it costs anything. */
    static final int MAX_TOKEN_LENGTH = 8 * 1024;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final KeyService keys;
    private final String issuer;
    private final Clock clock;

    public TokenVerifier(KeyService keys, String issuer, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** The claims of {@code token} if it is a valid, unexpired token of {@code kind}. */
    public Optional<TokenClaims> verify(String token, TokenKind kind) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH || !isCanonicalCompact(token)) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (!kind.type().equals(header.getType())) {
                return Optional.empty();
            }
            Optional<SigningKey> key = keys.find(kind.keyPurpose(), header.getKeyID());
            if (key.isEmpty() || !key.get().algorithm().jws().equals(header.getAlgorithm())) {
                return Optional.empty();
            }
            if (!jwt.verify(key.get().verifier())) {
                return Optional.empty();
            }
            return claims(kind, jwt.getJWTClaimsSet());
        } catch (ParseException | JOSEException | RuntimeException e) {
            // Any malformed token is simply not a valid one; nothing about it is worth a 500.
            return Optional.empty();
        }
    }

    /**
     * RFC 7515 §2 and §7.1: a compact JWS is three base64url segments, without padding, line
     * breaks, whitespace or any other character. Nimbus decodes leniently (it skips characters
     * outside the alphabet, takes the standard alphabet and padding too, and trims the token), so
     * without this check one token has many spellings that all verify: a strict verifier at a
     * protected API would disagree with us, and anything keyed by the token's text could be
     * sidestepped. Re-encoding each segment must give it back exactly, which also refuses stray
     * low bits in a segment's last character.
     */
    static boolean isCanonicalCompact(String token) {
        String[] segments = token.split("\\.", -1);
        if (segments.length != 3) {
            return false;
        }
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return false;
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_';
                if (!alphabet) {
                    return false;
                }
            }
            try {
                if (!BASE64URL.encodeToString(Base64.getUrlDecoder().decode(segment)).equals(segment)) {
                    return false;
                }
            } catch (IllegalArgumentException e) {
                return false; // a length no encoding has (4n+1)
            }
        }
        return true;
    }

    private Optional<TokenClaims> claims(TokenKind kind, JWTClaimsSet claims) throws ParseException {
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        Instant now = clock.instant();
        if (exp == null || iat == null || !now.isBefore(exp.toInstant())) {
            return Optional.empty();
        }
        if (claims.getNotBeforeTime() != null && now.isBefore(claims.getNotBeforeTime().toInstant())) {
            return Optional.empty();
        }
        String clientId = claims.getStringClaim(TokenIssuer.CLAIM_CLIENT_ID);
        String familyId = claims.getStringClaim(TokenIssuer.CLAIM_FAMILY_ID);
        if (!issuer.equals(claims.getIssuer()) || claims.getJWTID() == null || clientId == null
                || familyId == null || !clientId.equals(claims.getSubject())) {
            return Optional.empty();
        }
        Scopes scope;
        try {
            scope = Scopes.parse(claims.getStringClaim(TokenIssuer.CLAIM_SCOPE));
        } catch (LatchkeyException e) {
            return Optional.empty();
        }
        List<String> audience = claims.getAudience();
        return Optional.of(new TokenClaims(kind, claims.getJWTID(), claims.getIssuer(), claims.getSubject(),
                clientId, claims.getStringClaim(TokenIssuer.CLAIM_PARTNER_ID), audience, scope, familyId,
                iat.toInstant(), exp.toInstant()));
    }
}
