package io.latchkey.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.key.KeyService;
import io.latchkey.core.key.SigningKey;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
    /** Far above the headers one key ring produces (one per key and token kind). */
    private static final int MAX_CACHED_HEADERS = 64;

    private final KeyService keys;
    private final String issuer;
    private final Clock clock;
    private final Map<String, JWSHeader> verifiedHeaders = new ConcurrentHashMap<>();

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
        // Exactly two dots and three non-empty segments: isCanonicalCompact said so.
        int firstDot = token.indexOf('.');
        int secondDot = token.indexOf('.', firstDot + 1);
        String headerSegment = token.substring(0, firstDot);
        try {
            JWSHeader header = header(headerSegment);
            if (!kind.type().equals(header.getType())) {
                return Optional.empty();
            }
            Optional<SigningKey> key = keys.find(kind.keyPurpose(), header.getKeyID());
            if (key.isEmpty() || !key.get().algorithm().jws().equals(header.getAlgorithm())) {
                return Optional.empty();
            }
            // What JWSObject.verify hands the verifier: the segments as they came, and the signature.
            byte[] signingInput = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
            if (!key.get().verifier().verify(header, signingInput, new Base64URL(token.substring(secondDot + 1)))) {
                return Optional.empty();
            }
            if (verifiedHeaders.size() < MAX_CACHED_HEADERS) {
                verifiedHeaders.putIfAbsent(headerSegment, header);
            }
            return claims(kind, JWTClaimsSet.parse(new Base64URL(token.substring(firstDot + 1, secondDot)).decodeToString()));
        } catch (ParseException | JOSEException | RuntimeException e) {
            // Any malformed token is simply not a valid one; nothing about it is worth a 500.
            return Optional.empty();
        }
    }

    /**
     * The header a segment spells. A token's header is one of a few texts (one per key and kind),
     * so the headers of tokens that verified are kept, parsed: parsing it again took a fifth of a
     * verification. A parsed header depends on its text alone, so a kept one is never stale; the
     * key it names is still looked up, and checked, for every token.
     */
    private JWSHeader header(String segment) throws ParseException {
        JWSHeader header = verifiedHeaders.get(segment);
        return header != null ? header : JWSHeader.parse(new Base64URL(segment));
    }

    /**
     * RFC 7515 §2 and §7.1: a compact JWS is three base64url segments, without padding, line
     * breaks, whitespace or any other character. Nimbus decodes leniently (it skips characters
     * outside the alphabet, takes the standard alphabet and padding too, and trims the token), so
     * without this check one token has many spellings that all verify: a strict verifier at a
     * protected API would disagree with us, and anything keyed by the token's text could be
     * sidestepped. A segment is canonical when decoding and encoding it again gives it back: its
     * length is not 4n+1 (no encoding has that length), and the bits its last character carries
     * beyond the last whole byte are zero (four of them after 4n+2 characters, two after 4n+3).
     */
    static boolean isCanonicalCompact(String token) {
        int start = 0;
        for (int segment = 0; segment < 3; segment++) {
            int end = token.indexOf('.', start);
            if (segment == 2) {
                if (end >= 0) {
                    return false; // a fourth segment
                }
                end = token.length();
            } else if (end < 0) {
                return false; // fewer than three segments
            }
            if (!isCanonicalSegment(token, start, end)) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }

    private static boolean isCanonicalSegment(String token, int start, int end) {
        int length = end - start;
        if (length == 0 || length % 4 == 1) {
            return false;
        }
        int last = 0;
        for (int i = start; i < end; i++) {
            last = base64urlValue(token.charAt(i));
            if (last < 0) {
                return false;
            }
        }
        int unusedBits = switch (length % 4) {
            case 2 -> 0b1111;
            case 3 -> 0b11;
            default -> 0;
        };
        return (last & unusedBits) == 0;
    }

    /** The 6-bit value of a base64url character (RFC 4648 §5), or -1 for any other character. */
    private static int base64urlValue(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '-') {
            return 62;
        }
        return c == '_' ? 63 : -1;
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
                iat.toInstant(), exp.toInstant(), Confirmation.fromClaim(claims.getJSONObjectClaim(Confirmation.CLAIM))));
    }
}
