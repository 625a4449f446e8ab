import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.IntStream;

/**
 * Writes a pool of DPoP proofs (RFC 9449 §4.2) for the bench's token_dpop_* scenarios: one key
 * pair, COUNT proofs for POST HTU, each with its own jti, so that every request of a wrk run
 * presents a fresh one (the server accepts a jti once). wrk cannot sign, hence the pool. The
 * proofs' iat is the time of writing plus IAT_AHEAD seconds, which the server accepts from
 * IAT_AHEAD - 60 s to IAT_AHEAD + 60 s after writing (SPEC §7: iat within 60 s): the pool must be
 * used up within that. JDK only (ES256 in P1363 form, Ed25519 since Java 15), so it runs as a
 * single source file: java DpopProofPool.java ES256|EdDSA HTU COUNT OUT [IAT_AHEAD]
 */
public class DpopProofPool {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        String alg = args[0];
        String htu = args[1];
        int count = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        long iatAhead = args.length > 4 ? Long.parseLong(args[4]) : 55;
        boolean ec = alg.equals("ES256");
        if (!ec && !alg.equals("EdDSA")) {
            throw new IllegalArgumentException("ES256 or EdDSA, not " + alg);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance(ec ? "EC" : "Ed25519");
        if (ec) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        }
        KeyPair keys = generator.generateKeyPair();
        String header = b64("{\"typ\":\"dpop+jwt\",\"alg\":\"" + alg + "\",\"jwk\":" + jwk(keys, ec) + "}");
        long iat = System.currentTimeMillis() / 1000 + iatAhead;
        String[] proofs = new String[count];
        SecureRandom random = new SecureRandom();
        ThreadLocal<Signature> signers = ThreadLocal.withInitial(() -> {
            try {
                Signature signature = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "Ed25519");
                signature.initSign(keys.getPrivate());
                return signature;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        IntStream.range(0, count).parallel().forEach(i -> {
            try {
                byte[] id = new byte[16];
                random.nextBytes(id);
                String input = header + "." + b64("{\"jti\":\"" + B64.encodeToString(id) + "\",\"htm\":\"POST\",\"htu\":\""
                        + htu + "\",\"iat\":" + iat + "}");
                Signature signature = signers.get();
                signature.update(input.getBytes(StandardCharsets.US_ASCII));
                proofs[i] = input + "." + B64.encodeToString(signature.sign());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (BufferedWriter writer = Files.newBufferedWriter(out)) {
            for (String proof : proofs) {
                writer.write(proof);
                writer.write('\n');
            }
        }
    }

    /** The public key as an RFC 7517 JWK, members in RFC 7638 order. */
    private static String jwk(KeyPair keys, boolean ec) {
        if (ec) {
            ECPublicKey key = (ECPublicKey) keys.getPublic();
            return "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + B64.encodeToString(unsigned32(key.getW().getAffineX()))
                    + "\",\"y\":\"" + B64.encodeToString(unsigned32(key.getW().getAffineY())) + "\"}";
        }
        byte[] spki = keys.getPublic().getEncoded(); // RFC 8410 §4: the raw key ends it
        return "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\""
                + B64.encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length)) + "\"}";
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
