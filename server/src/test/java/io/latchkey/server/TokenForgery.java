package io.latchkey.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.JWSSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Takes JWS compact tokens apart and puts them back together byte for byte as an attacker
 * would: headers and payloads as raw JSON text (so a key may appear twice), signatures kept,
 * dropped, or made with any key under any algorithm name.
 */
final class TokenForgery {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private TokenForgery() {
    }

    /** The three segments of a compact JWS. */
    static String[] segments(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a compact JWS");
        }
        return parts;
    }

    static String headerJson(String token) {
        return new String(Base64.getUrlDecoder().decode(segments(token)[0]), StandardCharsets.UTF_8);
    }

    static String payloadJson(String token) {
        return new String(Base64.getUrlDecoder().decode(segments(token)[1]), StandardCharsets.UTF_8);
    }

    static String signature(String token) {
        return segments(token)[2];
    }

    static String encode(String json) {
        return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A token from raw header and payload JSON with the given (possibly wrong) signature segment. */
    static String compact(String headerJson, String payloadJson, String signature) {
        return encode(headerJson) + "." + encode(payloadJson) + "." + signature;
    }

    /** {@code json} (an object) with {@code edit} applied, fields kept in order. */
    static String edit(String json, Consumer<ObjectNode> edit) {
        try {
            ObjectNode node = (ObjectNode) TestServer.JSON.readTree(json);
            edit.accept(node);
            return TestServer.JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code json} (an object) with {@code "name": value} added once more at its end: a duplicate key. */
    static String withDuplicateAtEnd(String json, String name, Object value) {
        return json.substring(0, json.lastIndexOf('}')) + "," + member(name, value) + "}";
    }

    /** {@code json} (an object) with {@code "name": value} added once more at its start: a duplicate key. */
    static String withDuplicateAtStart(String json, String name, Object value) {
        return "{" + member(name, value) + "," + json.substring(json.indexOf('{') + 1);
    }

    private static String member(String name, Object value) {
        return TestServer.write(name) + ":" + TestServer.write(value);
    }

    static JsonNode parse(String json) {
        try {
            return TestServer.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HMAC signature over the raw segments, keyed with any bytes, under {@code HS256/384/512}. */
    static String hmac(String algorithm, byte[] key, String headerJson, String payloadJson) {
        String javaName = switch (algorithm) {
            case "HS256" -> "HmacSHA256";
            case "HS384" -> "HmacSHA384";
            case "HS512" -> "HmacSHA512";
            default -> throw new IllegalArgumentException(algorithm);
        };
        try {
            Mac mac = Mac.getInstance(javaName);
            mac.init(new SecretKeySpec(key, javaName));
            byte[] input = (encode(headerJson) + "." + encode(payloadJson)).getBytes(StandardCharsets.US_ASCII);
            return B64URL.encodeToString(mac.doFinal(input));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token whose raw header and payload are validly signed by {@code key} under {@code algorithm}. */
    static String signed(JWK key, JWSAlgorithm algorithm, String headerJson, String payloadJson) {
        try {
            JWSSigner signer;
            if (key instanceof OctetSequenceKey octets) {
                signer = new MACSigner(octets);
            } else if (key instanceof ECKey ec) {
                signer = new ECDSASigner(ec);
            } else if (key instanceof RSAKey rsa) {
                signer = new RSASSASigner(rsa);
            } else {
                throw new IllegalArgumentException("cannot sign with " + key.getKeyType());
            }
            byte[] input = (encode(headerJson) + "." + encode(payloadJson)).getBytes(StandardCharsets.US_ASCII);
            return encode(headerJson) + "." + encode(payloadJson) + "."
                    + signer.sign(new JWSHeader(algorithm), input);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
