package io.latchkey.client.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /pipeline/oauth2}, the integration model's endpoint (SPEC §2): JSON bodies, the
 * credentials as {@code username}/{@code password}, a refresh without client authentication,
 * and {@code expires_in} in <em>milliseconds</em>.
 */
public final class PipelineTokenGrants implements TokenGrants {
    private final JsonHttp http;
    private final EndpointLocator endpoint;
    private final String clientId;
    private final String clientSecret;
    private final String scope;
    private final String resource;
    private final Clock clock;
    private final DpopSigner dpop;

    public PipelineTokenGrants(JsonHttp http, EndpointLocator endpoint, String clientId, String clientSecret,
                               String scope, String resource, Clock clock) {
        this(http, endpoint, clientId, clientSecret, scope, resource, clock, null);
    }

    /** @param dpop the signer of a DPoP proof for every token request (RFC 9449 §5), or null for bearer tokens */
    public PipelineTokenGrants(JsonHttp http, EndpointLocator endpoint, String clientId, String clientSecret,
                               String scope, String resource, Clock clock, DpopSigner dpop) {
        this.dpop = dpop;
        this.resource = resource;
        this.http = http;
        this.endpoint = endpoint;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.scope = scope;
        this.clock = clock;
    }

    @Override
    public TokenResponse clientCredentials() throws IOException, InterruptedException, TokenEndpointException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", clientId);
        body.put("password", clientSecret);
        body.put("grant_type", "client_credentials");
        if (scope != null) {
            body.put("scope", scope);
        }
        if (resource != null) {
            body.put("resource", resource); // RFC 8707; a refresh stays with it
        }
        return post(body);
    }

    @Override
    public TokenResponse refresh(String refreshToken) throws IOException, InterruptedException, TokenEndpointException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("grant_type", "refresh_token");
        body.put("refresh_token", refreshToken);
        return post(body);
    }

    private TokenResponse post(Map<String, Object> body)
            throws IOException, InterruptedException, TokenEndpointException {
        Instant requestedAt = clock.instant();
        URI uri = endpoint.locate();
        HttpRequest.Builder request = JsonHttp.request(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body)));
        JsonHttp.Answer answer = dpop == null ? http.send(request.build()) : dpop.sendTokenRequest(http, request, uri);
        return TokenAnswers.read(answer, Duration.ofMillis(1), requestedAt, dpop != null);
    }
}
