package io.latchkey.client;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.LatchkeyServer;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.testing.SettableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real Latchkey server, in-process on a random port with a temporary data dir and a
 * {@link SettableClock}, plus the admin calls the tests need. Nothing of the server is mocked.
 */
final class Latchkey implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String ADMIN_KEY = "client-test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private final LatchkeyServer server;
    private final SettableClock clock;
    private final HttpClient http = HttpClient.newHttpClient();

    private Latchkey(LatchkeyServer server, SettableClock clock) {
        this.server = server;
        this.clock = clock;
    }

    static Latchkey start() {
        return start(config -> { });
    }

    static Latchkey start(SigningAlgorithm algorithm) {
        return start(config -> config.signingAlgorithm(algorithm));
    }

    static Latchkey start(Consumer<ServerConfig.Builder> customizer) {
        try {
            SettableClock clock = SettableClock.startingNow();
            ServerConfig.Builder config = ServerConfig.builder().port(0).host("127.0.0.1")
                    .dataDir(Files.createTempDirectory("latchkey-client-test")).adminApiKey(ADMIN_KEY);
            customizer.accept(config);
            return new Latchkey(LatchkeyServer.start(config.build(), clock, new SecureRandom()), clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SettableClock clock() {
        return clock;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    String issuer() {
        return server.issuer();
    }

    /** A new {@code private_key_jwt} client through the admin API, with the JWK set of its public keys: its id. */
    String createKeyClient(String partnerId, Map<String, Object> jwks) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partnerId", partnerId);
        body.put("tokenEndpointAuthMethod", "private_key_jwt");
        body.put("jwks", jwks);
        return (String) json(admin("POST", "/admin/clients", JSONObjectUtils.toJSONString(body), 201)).get("clientId");
    }

    /** A new client through the admin API: its id and its secret. */
    Client createClient(String partnerId, String... scopes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partnerId", partnerId);
        body.put("scopes", List.of(scopes));
        Map<String, Object> created = json(admin("POST", "/admin/clients", JSONObjectUtils.toJSONString(body), 201));
        return new Client((String) created.get("clientId"), (String) created.get("clientSecret"));
    }

    /** A new API key of the {@code verifier} role, as a protected API holds one: the key itself. */
    String createVerifierKey() {
        Map<String, Object> created = json(admin("POST", "/admin/api-keys",
                "{\"name\":\"orders-api\",\"role\":\"verifier\"}", 201));
        return (String) created.get("apiKey");
    }

    void deleteClient(String clientId) {
        admin("DELETE", "/admin/clients/" + clientId, null, 200);
    }

    void rotateKeys() {
        admin("POST", "/admin/keys/rotate", null, 200);
    }

    /** The access-token keys as {@code GET /admin/keys/access-token} answers them (JWK set JSON). */
    String accessTokenKeys() {
        return admin("GET", "/admin/keys/access-token", null, 200);
    }

    /** A client_credentials grant on {@code /oauth2/token}: the parsed answer. */
    Map<String, Object> token(Client client) {
        HttpRequest request = HttpRequest.newBuilder(url().resolve("/oauth2/token")).timeout(TIMEOUT)
                .header("Authorization", client.basic())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        return json(send(request, 200));
    }

    /** Registers an API (SPEC §6) and grants {@code client} all its scopes; the API's id. */
    String createApiFor(Client client, String identifier, String... scopes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identifier", identifier);
        body.put("scopes", List.of(scopes));
        String id = (String) json(admin("POST", "/admin/apis", JSONObjectUtils.toJSONString(body), 201)).get("id");
        admin("PUT", "/admin/clients/" + client.id() + "/apis/" + id,
                JSONObjectUtils.toJSONString(Map.of("scopes", List.of(scopes))), 200);
        return id;
    }

    /** A client_credentials grant for the API named {@code resource} (RFC 8707): the access token. */
    String accessToken(Client client, String resource) {
        HttpRequest request = HttpRequest.newBuilder(url().resolve("/oauth2/token")).timeout(TIMEOUT)
                .header("Authorization", client.basic())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&resource="
                        + java.net.URLEncoder.encode(resource, java.nio.charset.StandardCharsets.UTF_8)))
                .build();
        return (String) json(send(request, 200)).get("access_token");
    }

    /** RFC 7009 revocation of {@code token} by the client it was issued to. */
    void revoke(Client client, String token) {
        HttpRequest request = HttpRequest.newBuilder(url().resolve("/oauth2/revoke")).timeout(TIMEOUT)
                .header("Authorization", client.basic())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token))
                .build();
        send(request, 200);
    }

    String accessToken(Client client) {
        return (String) token(client).get("access_token");
    }

    private String admin(String method, String path, String json, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url().resolve(path)).timeout(TIMEOUT)
                .header("X-API-Key", ADMIN_KEY);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build(), expected);
    }

    private String send(HttpRequest request, int expected) {
        try {
            HttpResponse<String> response = http.send(request,
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> json(String body) {
        try {
            return JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    /** A client's id and secret, as the admin API returned them. */
    record Client(String id, String secret) {
        String basic() {
            return io.latchkey.client.internal.Introspection.basic(id, secret);
        }

        @Override
        public String toString() {
            return "Client[" + id + "]";
        }
    }
}
