import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Client assertions for bench/run.sh's private_key_jwt scenarios (RFC 7523 §2.2): registers
 * CLIENTS private_key_jwt clients with fresh keys through the admin API, then writes COUNT
 * assertions to OUT, one a line, spread over the clients, each with its own jti (the server
 * accepts each once) and an exp 290 s ahead (it refuses more than 300). The JDK alone signs:
 * ES256 as P1363 r||s (RFC 7518 §3.4), EdDSA with Ed25519 (RFC 8037). Keys live in memory only.
 *
 * <p>{@code java bench/seed/AssertionPool.java URL ADMIN_KEY ES256|EdDSA CLIENTS COUNT OUT}
 */
public final class AssertionPool {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String adminKey = args[1];
        String alg = args[2];
        int clients = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        Path out = Path.of(args[5]);
        HttpClient http = HttpClient.newHttpClient();
        List<String> ids = new ArrayList<>();
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            KeyPair pair = generate(alg);
            String body = "{\"partnerId\":\"bench\",\"name\":\"bench " + alg + " client " + i
                    + "\",\"tokenEndpointAuthMethod\":\"private_key_jwt\",\"jwks\":{\"keys\":[" + publicJwk(pair, alg) + "]}}";
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(url + "/admin/clients"))
                    .header("X-API-Key", adminKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher id = Pattern.compile("\"clientId\":\"([^\"]+)\"").matcher(created.body());
            if (created.statusCode() != 201 || !id.find()) {
                throw new IllegalStateException("registering a client failed: " + created.statusCode() + " " + created.body());
            }
            ids.add(id.group(1));
            keys.add(pair);
        }
        String audience = url.replace("127.0.0.1", "localhost") + "/oauth2/token"; // the issuer's host
        long exp = System.currentTimeMillis() / 1000 + 290;
        String header = B64.encodeToString(("{\"alg\":\"" + alg + "\",\"kid\":\"k\"}").getBytes(StandardCharsets.UTF_8));
        SecureRandom random = new SecureRandom();
        String[] lines = IntStream.range(0, count).parallel().mapToObj(n -> {
            int c = n % clients;
            byte[] jti = new byte[16];
            random.nextBytes(jti);
            String claims = "{\"iss\":\"" + ids.get(c) + "\",\"sub\":\"" + ids.get(c) + "\",\"aud\":\"" + audience
                    + "\",\"exp\":" + exp + ",\"jti\":\"" + B64.encodeToString(jti) + "\"}";
            String input = header + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            return input + "." + B64.encodeToString(sign(alg, keys.get(c), input));
        }).toArray(String[]::new);
        try (BufferedWriter writer = Files.newBufferedWriter(out)) {
            for (String line : lines) {
                writer.write(line);
                writer.newLine();
            }
        }
    }

    private static KeyPair generate(String alg) throws Exception {
        if (alg.equals("EdDSA")) {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String publicJwk(KeyPair pair, String alg) {
        if (alg.equals("EdDSA")) {
            byte[] encoded = pair.getPublic().getEncoded(); // X.509: the raw 32 bytes come last (RFC 8410 §4)
            return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k\",\"x\":\""
                    + B64.encodeToString(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length)) + "\"}";
        }
        ECPublicKey ec = (ECPublicKey) pair.getPublic();
        return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k\",\"x\":\"" + B64.encodeToString(fixed(ec.getW().getAffineX()))
                + "\",\"y\":\"" + B64.encodeToString(fixed(ec.getW().getAffineY())) + "\"}";
    }

    private static byte[] fixed(java.math.BigInteger coordinate) {
        byte[] bytes = coordinate.toByteArray();
        byte[] out = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, out, 32 - length, length);
        return out;
    }

    private static byte[] sign(String alg, KeyPair pair, String input) {
        try {
            Signature signature = Signature.getInstance(alg.equals("EdDSA") ? "Ed25519" : "SHA256withECDSAinP1363Format");
            signature.initSign(pair.getPrivate());
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
