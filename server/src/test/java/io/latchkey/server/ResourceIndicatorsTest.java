package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import io.latchkey.server.TestServer.Credentials;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 8707 as a third-party client speaks it: the Nimbus OAuth 2.0 SDK's {@link TokenRequest}
 * with resources, against the real server.
 */
class ResourceIndicatorsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNimbusTokenRequestWithAResourceGetsATokenForThatApi() throws Exception {
        JsonNode orders = ApisTest.createApi(server, ApisTest.uniqueIdentifier(), "PT5M", "orders:read", "orders:write");
        Credentials client = server.createClient("acme");
        ApisTest.grant(server, client, orders, "orders:read", "orders:write");
        URI resource = URI.create(orders.get("identifier").asText());

        TokenResponse response = TokenResponse.parse(new TokenRequest.Builder(server.uri("/oauth2/token"),
                basic(client), new ClientCredentialsGrant()).scope(new Scope("orders:read")).resources(resource)
                .build().toHTTPRequest().send());

        assertThat(response.indicatesSuccess()).isTrue();
        AccessTokenResponse tokens = response.toSuccessResponse();
        assertThat(tokens.getTokens().getAccessToken().getLifetime()).isEqualTo(300);
        assertThat(tokens.getTokens().getAccessToken().getScope()).isEqualTo(new Scope("orders:read"));
        JWTClaimsSet claims = SignedJWT.parse(tokens.getTokens().getAccessToken().getValue()).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(resource.toString());

        TokenIntrospectionSuccessResponse introspection = TokenIntrospectionResponse.parse(
                new TokenIntrospectionRequest(server.uri("/oauth2/introspect"), basic(client),
                        tokens.getTokens().getAccessToken()).toHTTPRequest().send()).toSuccessResponse();
        assertThat(introspection.isActive()).isTrue();
        assertThat(introspection.getAudience()).containsExactly(new Audience(resource.toString()));

        TokenResponse refreshed = TokenResponse.parse(new TokenRequest.Builder(server.uri("/oauth2/token"),
                basic(client), new RefreshTokenGrant(tokens.getTokens().getRefreshToken())).resources(resource)
                .build().toHTTPRequest().send());
        assertThat(refreshed.indicatesSuccess()).isTrue();
    }

    @Test
    void aNimbusTokenRequestWithTwoResourcesIsRefusedAsInvalidTarget() throws Exception {
        JsonNode orders = ApisTest.createApi(server, ApisTest.uniqueIdentifier(), null, "r");
        JsonNode invoices = ApisTest.createApi(server, ApisTest.uniqueIdentifier(), null, "r");
        Credentials client = server.createClient("acme");
        ApisTest.grant(server, client, orders, "r");
        ApisTest.grant(server, client, invoices, "r");

        TokenResponse response = TokenResponse.parse(new TokenRequest.Builder(server.uri("/oauth2/token"),
                basic(client), new ClientCredentialsGrant())
                .resources(URI.create(orders.get("identifier").asText()), URI.create(invoices.get("identifier").asText()))
                .build().toHTTPRequest().send());

        assertThat(response.indicatesSuccess()).isFalse();
        TokenErrorResponse error = response.toErrorResponse();
        assertThat(error.getErrorObject().getCode()).isEqualTo(OAuth2Error.INVALID_TARGET.getCode());
        assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    }

    private static ClientSecretBasic basic(Credentials client) {
        return new ClientSecretBasic(new ClientID(client.clientId()), new Secret(client.secret()));
    }

}
