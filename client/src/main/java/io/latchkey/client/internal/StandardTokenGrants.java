package io.latchkey.client.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code POST /oauth2/token}: form-encoded, authenticated for both grants (Latchkey requires client
 * authentication for a refresh, RFC 6749 §6) with {@code client_secret_basic} or a fresh
 * {@code private_key_jwt} assertion, and {@code expires_in} in seconds.
 */
public final class StandardTokenGrants implements TokenGrants {
    private final JsonHttp http;
    private final EndpointLocator endpoint;
    private final ClientAuthentication authentication;
    private final String scope;
    private final String resource;
    private final Clock clock;
    private final DpopSigner dpop;

    public StandardTokenGrants(JsonHttp http, EndpointLocator endpoint, String clientId, String clientSecret,
                               String scope, String resource, Clock clock) {
        this(http, endpoint, clientId, clientSecret, scope, resource, clock, null);
    }

    /** @param dpop the signer of a DPoP proof for every token request (RFC 9449 §5), or null for bearer tokens */
    public StandardTokenGrants(JsonHttp http, EndpointLocator endpoint, String clientId, String clientSecret,
                               String scope, String resource, Clock clock, DpopSigner dpop) {
        // Without a secret the client authenticates with its TLS certificate and names itself (RFC 8705 §2).
        this(http, endpoint, clientSecret == null ? ClientAuthentication.named(clientId)
                : ClientAuthentication.secretBasic(clientId, clientSecret), scope, resource, clock, dpop);
    }

    /**
     * @param authentication how the client authenticates each token request
     * @param dpop           the signer of a DPoP proof for every token request, or null
     */
    public StandardTokenGrants(JsonHttp http, EndpointLocator endpoint, ClientAuthentication authentication,
                               String scope, String resource, Clock clock, DpopSigner dpop) {
        this.dpop = dpop;
        this.resource = resource;
        this.http = http;
        this.endpoint = endpoint;
        this.authentication = authentication;
        this.scope = scope;
        this.clock = clock;
    }

    @Override
    public TokenResponse clientCredentials() throws IOException, InterruptedException, TokenEndpointException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (scope != null) {
            form.put("scope", scope);
        }
        if (resource != null) {
            form.put("resource", resource); // RFC 8707; a refresh stays with it
        }
        return post(form);
    }

    @Override
    public TokenResponse refresh(String refreshToken) throws IOException, InterruptedException, TokenEndpointException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return post(form);
    }

    private TokenResponse post(Map<String, String> form)
            throws IOException, InterruptedException, TokenEndpointException {
        Instant requestedAt = clock.instant();
        URI uri = endpoint.locate();
        HttpRequest.Builder request = JsonHttp.request(uri)
                .header("Content-Type", "application/x-www-form-urlencoded");
        authentication.authenticate(uri, request, form);
        request.POST(HttpRequest.BodyPublishers.ofString(formEncode(form)));
        JsonHttp.Answer answer = dpop == null ? http.send(request.build()) : dpop.sendTokenRequest(http, request, uri);
        return TokenAnswers.read(answer, Duration.ofSeconds(1), requestedAt, dpop != null);
    }

    /** RFC 6749 §2.3.1: each part form-urlencoded, then joined by a colon and base64'd. */
    static String basic(String clientId, String clientSecret) {
        String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
