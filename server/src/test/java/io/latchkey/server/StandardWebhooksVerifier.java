package io.latchkey.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a delivery as a receiver would, written from the Standard Webhooks specification
 * (no Java library of it is at hand), independently of the server's code: the secret is
 * {@code whsec_} and the base64 of the key; the signed content is {@code msg_id.timestamp.payload};
 * {@code webhook-signature} is a space-delimited list of {@code v1,<base64 HMAC-SHA256>}, any of
 * which may match, compared in constant time.
 */
final class StandardWebhooksVerifier {
    private final byte[] key;

    StandardWebhooksVerifier(String secret) {
        if (!secret.startsWith("whsec_")) {
            throw new IllegalArgumentException("not a Standard Webhooks secret");
        }
        key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    }

    int keyLength() {
        return key.length;
    }

    boolean verifies(String msgId, String timestamp, String payload, String signatureHeader) throws Exception {
        if (msgId == null || timestamp == null || signatureHeader == null) {
            return false;
        }
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] expected = hmac.doFinal((msgId + "." + timestamp + "." + payload).getBytes(StandardCharsets.UTF_8));
        for (String signature : signatureHeader.split(" ")) {
            int comma = signature.indexOf(',');
            if (comma < 0 || !signature.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(signature.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return true;
            }
        }
        return false;
    }
}
