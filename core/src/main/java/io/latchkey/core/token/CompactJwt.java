package io.latchkey.core.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import io.latchkey.core.key.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The JWS compact serialization (RFC 7515 §7.1) of one token, composed without Nimbus's object
 * model: the claims go straight from Jackson's generator into bytes, the header's base64url form
 * is made once per key and kind, and the key's Nimbus {@code JWSSigner} signs the signing input
 * exactly as {@code JWSObject.sign} would. Nimbus's generic path (a claims map, Gson, a fresh
 * header encoding per token) was a sixth of a client_credentials request's CPU.
 */
final class CompactJwt {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** The header of one key and kind, with its encoded form and the dot after it. */
    record Header(SigningKey key, JWSHeader header, byte[] encodedWithDot) {
        static Header of(SigningKey key, TokenKind kind) {
            JWSHeader header = new JWSHeader.Builder(key.algorithm().jws())
                    .type(kind.type())
                    .keyID(key.kid())
                    .build();
            byte[] encoded = header.toBase64URL().toString().getBytes(StandardCharsets.US_ASCII);
            byte[] withDot = new byte[encoded.length + 1];
            System.arraycopy(encoded, 0, withDot, 0, encoded.length);
            withDot[encoded.length] = '.';
            return new Header(key, header, withDot);
        }
    }

    /**
     * The claims of one token, in the order Nimbus's {@code JWTClaimsSet.Builder} wrote them.
     *
     * @param confirmation the {@code cnf} of a sender-constrained access token (RFC 7800), else null
     */
    record Claims(String issuer, String subject, List<String> audience, long issuedAt, long expiresAt,
                  String jwtId, String clientId, String scope, String partnerId, String familyId,
                  Confirmation confirmation) {
        Claims(String issuer, String subject, List<String> audience, long issuedAt, long expiresAt,
               String jwtId, String clientId, String scope, String partnerId, String familyId) {
            this(issuer, subject, audience, issuedAt, expiresAt, jwtId, clientId, scope, partnerId, familyId, null);
        }
    }

    private CompactJwt() {
    }

    static String sign(Header header, Claims claims) {
        byte[] payload = BASE64URL.encode(json(claims));
        byte[] prefix = header.encodedWithDot();
        byte[] signingInput = new byte[prefix.length + payload.length];
        System.arraycopy(prefix, 0, signingInput, 0, prefix.length);
        System.arraycopy(payload, 0, signingInput, prefix.length, payload.length);
        String signature;
        try {
            signature = header.key().signer().sign(header.header(), signingInput).toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + header.key().kid() + " failed", e);
        }
        return new StringBuilder(signingInput.length + 1 + signature.length())
                .append(new String(signingInput, StandardCharsets.US_ASCII))
                .append('.')
                .append(signature)
                .toString();
    }

    /**
     * RFC 7519 claims as JSON. A single audience is a string, several an array (§4.1.3, as
     * Nimbus writes it); times are seconds since the epoch; absent values are left out.
     */
    static byte[] json(Claims claims) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(384);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("iss", claims.issuer());
            json.writeStringField("sub", claims.subject());
            if (claims.audience().size() == 1) {
                json.writeStringField("aud", claims.audience().get(0));
            } else if (!claims.audience().isEmpty()) {
                json.writeArrayFieldStart("aud");
                for (String audience : claims.audience()) {
                    json.writeString(audience);
                }
                json.writeEndArray();
            }
            json.writeNumberField("iat", claims.issuedAt());
            json.writeNumberField("exp", claims.expiresAt());
            json.writeStringField("jti", claims.jwtId());
            json.writeStringField(TokenIssuer.CLAIM_CLIENT_ID, claims.clientId());
            optional(json, TokenIssuer.CLAIM_SCOPE, claims.scope());
            optional(json, TokenIssuer.CLAIM_PARTNER_ID, claims.partnerId());
            optional(json, TokenIssuer.CLAIM_FAMILY_ID, claims.familyId());
            if (claims.confirmation() != null) {
                // RFC 7800 §3.1, RFC 9449 §6.1, RFC 8705 §3.1.
                Confirmation cnf = claims.confirmation();
                json.writeObjectFieldStart(Confirmation.CLAIM);
                optional(json, Confirmation.JKT, cnf.jkt());
                optional(json, Confirmation.X5T_S256, cnf.x5tS256());
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write token claims", e); // in memory: does not happen
        }
        return bytes.toByteArray();
    }

    private static void optional(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }
}
