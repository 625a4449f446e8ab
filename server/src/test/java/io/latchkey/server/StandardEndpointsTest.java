package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResourceOwnerPasswordCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import io.latchkey.server.TestServer.Credentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §3 driven by a third-party OAuth 2.0 client (the Nimbus SDK) and, where the SDK would not
 * send a malformed request, by hand: the token endpoint (RFC 6749 §4.4, §6, §5), introspection
 * (RFC 7662), revocation (RFC 7009) and the authorization server metadata (RFC 8414).
 */
class StandardEndpointsTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();
    /** A resource server's own client, which introspects the tokens of the others. */
    private static Credentials resourceServer;

    @BeforeAll
    static void start() {
        resourceServer = server.createClient("resource-server");
    }

    // --- client_credentials grant -------------------------------------------------------------

    @Test
    void clientCredentialsWithBasicAuthenticationIssuesABearerTokenForAnHourInSeconds() throws Exception {
        Credentials client = server.createClient("p");

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(client), new ClientCredentialsGrant())
                .toHTTPRequest().send();

        AccessTokenResponse tokens = success(http);
        assertThat(tokens.getTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.BEARER);
        assertThat(tokens.getTokens().getAccessToken().getLifetime()).isEqualTo(3600L);
        assertThat(tokens.getTokens().getRefreshToken()).isNotNull();
        assertThat(http.getBodyAsJSONObject().get("expires_in")).isEqualTo(3600L);
        assertThat(http.getCacheControl()).isEqualTo("no-store");
        assertThat(accessClaims(tokens).getSubject()).isEqualTo(client.clientId());
    }

    @Test
    void clientCredentialsWithPostAuthenticationIssuesTokens() throws Exception {
        Credentials client = server.createClient("p");

        HTTPResponse http = tokenRequest(tokenEndpoint(), post(client), new ClientCredentialsGrant())
                .toHTTPRequest().send();

        AccessTokenResponse tokens = success(http);
        assertThat(tokens.getTokens().getAccessToken().getLifetime()).isEqualTo(3600L);
        assertThat(http.getCacheControl()).isEqualTo("no-store");
        assertThat(accessClaims(tokens).getStringClaim("client_id")).isEqualTo(client.clientId());
    }

    @Test
    void theModelsUsernameAndPasswordAreAcceptedAsClientCredentials() throws Exception {
        Credentials client = server.createClient("p");

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of(
                "grant_type", "client_credentials", "username", client.clientId(), "password", client.secret()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = TestServer.json(response);
        assertThat(body.get("token_type").asText()).isEqualToIgnoringCase("Bearer");
        assertThat(body.get("expires_in").isIntegralNumber()).isTrue();
        assertThat(body.get("expires_in").asLong()).isEqualTo(3600L);
        assertThat(SignedJWT.parse(body.get("access_token").asText()).getJWTClaimsSet().getSubject())
                .isEqualTo(client.clientId());
    }

    @Test
    void aWrongPasswordAliasIsInvalidClient() {
        Credentials client = server.createClient("p");

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of(
                "grant_type", "client_credentials", "username", client.clientId(), "password", "wrong"));

        assertOAuthError(response, 401, "invalid_client");
    }

    @Test
    void aJsonBodyIsAcceptedAsWellAsAForm() {
        Credentials client = server.createClient("p");

        HttpResponse<String> response = server.postJson("/oauth2/token", TestServer.write(Map.of(
                "grant_type", "client_credentials", "client_id", client.clientId(),
                "client_secret", client.secret())));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(response).get("expires_in").asLong()).isEqualTo(3600L);
    }

    @Test
    void withoutAScopeParameterTheTokenCarriesEveryScopeOfTheClient() throws Exception {
        Credentials client = server.createClient("p", "read", "write");

        AccessTokenResponse tokens = success(tokenRequest(tokenEndpoint(), basic(client),
                new ClientCredentialsGrant()).toHTTPRequest().send());

        assertThat(Scope.parse(accessClaims(tokens).getStringClaim("scope")))
                .containsExactlyInAnyOrder(new Scope.Value("read"), new Scope.Value("write"));
    }

    @Test
    void aScopeParameterNarrowsTheTokenToThatScope() throws Exception {
        Credentials client = server.createClient("p", "read", "write");

        AccessTokenResponse tokens = success(tokenRequest(tokenEndpoint(), basic(client),
                new ClientCredentialsGrant(), new Scope("read")).toHTTPRequest().send());

        assertThat(accessClaims(tokens).getStringClaim("scope")).isEqualTo("read");
        assertThat(tokens.getTokens().getAccessToken().getScope()).isEqualTo(new Scope("read"));
        assertThat(introspect(tokens.getTokens().getAccessToken()).getScope()).isEqualTo(new Scope("read"));
    }

    @Test
    void aScopeTheClientLacksIsAnInvalidScope() throws Exception {
        Credentials client = server.createClient("p", "read", "write");

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(client), new ClientCredentialsGrant(),
                new Scope("read", "admin")).toHTTPRequest().send();

        assertOAuthError(http, 400, "invalid_scope");
    }

    @Test
    void aScopeIsInvalidForAClientWithNoScopesAtAll() throws Exception {
        Credentials client = server.createClient("p");

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(client), new ClientCredentialsGrant(),
                new Scope("read")).toHTTPRequest().send();

        assertOAuthError(http, 400, "invalid_scope");
    }

    // --- client authentication failures ---------------------------------------------------------

    @Test
    void aWrongSecretInBasicIsInvalidClientWithWwwAuthenticate() throws Exception {
        Credentials client = server.createClient("p");
        Credentials wrong = new Credentials(client.clientId(), client.secret() + "x");

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(wrong), new ClientCredentialsGrant())
                .toHTTPRequest().send();

        assertOAuthError(http, 401, "invalid_client");
        assertThat(http.getWWWAuthenticate()).startsWithIgnoringCase("Basic");
    }

    @Test
    void aWrongSecretInTheBodyIsStillA401WithWwwAuthenticate() throws Exception {
        Credentials client = server.createClient("p");
        Credentials wrong = new Credentials(client.clientId(), client.secret() + "x");

        HTTPResponse http = tokenRequest(tokenEndpoint(), post(wrong), new ClientCredentialsGrant())
                .toHTTPRequest().send();

        assertOAuthError(http, 401, "invalid_client");
    }

    @Test
    void anUnknownClientIsInvalidClient() throws Exception {
        Credentials unknown = new Credentials("AAAAAAAAAAAAAAAAAAAAAA", "not-a-secret");

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(unknown), new ClientCredentialsGrant())
                .toHTTPRequest().send();

        assertOAuthError(http, 401, "invalid_client");
    }

    @Test
    void aRequestWithoutClientAuthenticationIsInvalidClientWithWwwAuthenticate() {
        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"));

        assertOAuthError(response, 401, "invalid_client");
    }

    @Test
    void basicCredentialsAreFormUrlDecodedBeforeUse() {
        Credentials client = server.createClient("p");
        // RFC 6749 §2.3.1: each part is application/x-www-form-urlencoded before base64, so a
        // percent-escape of any character, upper- or lower-case hex, stands for that character.
        String pair = percentEncodeEveryByte(client.clientId(), false) + ":"
                + percentEncodeEveryByte(client.secret(), true);

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", "Basic " + base64(pair));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(TestServer.json(response).get("access_token").asText()).isNotBlank();
    }

    @Test
    void aPercentEncodedColonInTheBasicIdIsPartOfTheIdNotTheSeparator() {
        Credentials client = server.createClient("p");
        // The separator is the first raw colon; an encoded one decodes into the id, which then
        // names no client.
        String pair = client.clientId() + "%3A" + client.secret() + ":" + client.secret();

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", "Basic " + base64(pair));

        assertOAuthError(response, 401, "invalid_client");
    }

    static Stream<String> malformedBasicHeaders() {
        return Stream.of(
                "Basic !!!not-base64!!!",
                "Basic " + base64("no-colon-in-here"),
                "Basic " + base64("AAAAAAAAAAAAAAAAAAAAAA:%zz"),
                "Basic " + base64("%G1:secret"),
                "Basic " + base64(":"),
                "Basic " + base64("AAAAAAAAAAAAAAAAAAAAAA:" + "s".repeat(4000)),
                "Basic ");
    }

    @ParameterizedTest
    @MethodSource("malformedBasicHeaders")
    void aMalformedBasicHeaderIsInvalidClientWithWwwAuthenticate(String authorization) {
        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", authorization);

        assertOAuthError(response, 401, "invalid_client");
    }

    @Test
    void twoClientAuthenticationMethodsAtOnceAreAnInvalidRequest() {
        Credentials client = server.createClient("p");

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of(
                        "grant_type", "client_credentials",
                        "client_id", client.clientId(), "client_secret", client.secret()),
                "Authorization", client.basic());

        assertOAuthError(response, 400, "invalid_request");
    }

    @Test
    void basicTogetherWithTheModelsPasswordIsAnInvalidRequest() {
        Credentials client = server.createClient("p");

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of(
                        "grant_type", "client_credentials",
                        "username", client.clientId(), "password", client.secret()),
                "Authorization", client.basic());

        assertOAuthError(response, 400, "invalid_request");
    }

    // --- malformed requests -----------------------------------------------------------------------

    @Test
    void anUnsupportedGrantTypeIsReportedAsSuch() throws Exception {
        Credentials client = server.createClient("p");

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(client),
                new ResourceOwnerPasswordCredentialsGrant("alice", new Secret("wonderland"))).toHTTPRequest().send();

        assertOAuthError(http, 400, "unsupported_grant_type");
    }

    @Test
    void aMissingGrantTypeIsAnInvalidRequest() {
        Credentials client = server.createClient("p");

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("scope", "read"),
                "Authorization", client.basic());

        assertOAuthError(response, 400, "invalid_request");
    }

    static Stream<String> bodiesWithADuplicatedParameter() {
        return Stream.of(
                "grant_type=client_credentials&grant_type=client_credentials",
                "grant_type=client_credentials&scope=read&scope=write",
                "grant_type=client_credentials&grant_type=refresh_token");
    }

    @ParameterizedTest
    @MethodSource("bodiesWithADuplicatedParameter")
    void aDuplicatedParameterIsAnInvalidRequest(String body) {
        Credentials client = server.createClient("p", "read", "write");

        HttpResponse<String> response = postRawForm("/oauth2/token", body, "Authorization", client.basic());

        assertOAuthError(response, 400, "invalid_request");
    }

    @Test
    void aDuplicatedClientSecretInTheBodyIsAnInvalidRequest() {
        Credentials client = server.createClient("p");

        HttpResponse<String> response = postRawForm("/oauth2/token", "grant_type=client_credentials"
                + "&client_id=" + client.clientId() + "&client_secret=" + client.secret()
                + "&client_secret=" + client.secret());

        assertOAuthError(response, 400, "invalid_request");
    }

    // --- refresh_token grant ----------------------------------------------------------------------

    @Test
    void aRefreshTokenOfTheAuthenticatedClientIssuesNewTokens() throws Exception {
        Credentials client = server.createClient("p", "read");
        AccessTokenResponse first = clientCredentials(client);

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(client),
                new RefreshTokenGrant(first.getTokens().getRefreshToken())).toHTTPRequest().send();

        AccessTokenResponse renewed = success(http);
        assertThat(http.getCacheControl()).isEqualTo("no-store");
        assertThat(renewed.getTokens().getAccessToken().getLifetime()).isEqualTo(3600L);
        assertThat(renewed.getTokens().getRefreshToken()).isNotNull()
                .isNotEqualTo(first.getTokens().getRefreshToken());
        assertThat(accessClaims(renewed).getSubject()).isEqualTo(client.clientId());
        assertThat(introspect(renewed.getTokens().getAccessToken()).isActive()).isTrue();
    }

    @Test
    void aRefreshGrantWithPostAuthenticationIssuesNewTokens() throws Exception {
        Credentials client = server.createClient("p");
        AccessTokenResponse first = clientCredentials(client);

        AccessTokenResponse renewed = success(tokenRequest(tokenEndpoint(), post(client),
                new RefreshTokenGrant(first.getTokens().getRefreshToken())).toHTTPRequest().send());

        assertThat(renewed.getTokens().getRefreshToken()).isNotEqualTo(first.getTokens().getRefreshToken());
    }

    @Test
    void aRefreshGrantWithoutClientAuthenticationIsInvalidClient() throws Exception {
        Credentials client = server.createClient("p");
        AccessTokenResponse first = clientCredentials(client);

        HTTPResponse http = tokenRequest(tokenEndpoint(),
                new RefreshTokenGrant(first.getTokens().getRefreshToken())).toHTTPRequest().send();

        assertOAuthError(http, 401, "invalid_client");
    }

    @Test
    void aRefreshGrantWithAWrongSecretIsInvalidClient() throws Exception {
        Credentials client = server.createClient("p");
        AccessTokenResponse first = clientCredentials(client);

        HTTPResponse http = tokenRequest(tokenEndpoint(),
                basic(new Credentials(client.clientId(), client.secret() + "x")),
                new RefreshTokenGrant(first.getTokens().getRefreshToken())).toHTTPRequest().send();

        assertOAuthError(http, 401, "invalid_client");
    }

    @Test
    void refreshTokenOfAnotherClientIsAnInvalidGrant() throws Exception {
        Credentials owner = server.createClient("p");
        Credentials thief = server.createClient("p");
        RefreshToken ownersToken = clientCredentials(owner).getTokens().getRefreshToken();

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(thief), new RefreshTokenGrant(ownersToken))
                .toHTTPRequest().send();

        assertOAuthError(http, 400, "invalid_grant");
    }

    @Test
    void anotherClientPresentingARefreshTokenDoesNotUseItUp() throws Exception {
        Credentials owner = server.createClient("p");
        Credentials thief = server.createClient("p");
        RefreshToken ownersToken = clientCredentials(owner).getTokens().getRefreshToken();
        tokenRequest(tokenEndpoint(), basic(thief), new RefreshTokenGrant(ownersToken)).toHTTPRequest().send();

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(owner), new RefreshTokenGrant(ownersToken))
                .toHTTPRequest().send();

        assertThat(success(http).getTokens().getAccessToken()).isNotNull();
    }

    @Test
    void aRefreshTokenUsedTwiceIsAnInvalidGrant() throws Exception {
        Credentials client = server.createClient("p");
        RefreshToken refreshToken = clientCredentials(client).getTokens().getRefreshToken();
        success(tokenRequest(tokenEndpoint(), basic(client), new RefreshTokenGrant(refreshToken))
                .toHTTPRequest().send());

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(client), new RefreshTokenGrant(refreshToken))
                .toHTTPRequest().send();

        assertOAuthError(http, 400, "invalid_grant");
    }

    @Test
    void anAccessTokenIsNotARefreshToken() throws Exception {
        Credentials client = server.createClient("p");
        AccessTokenResponse tokens = clientCredentials(client);

        HTTPResponse http = tokenRequest(tokenEndpoint(), basic(client),
                new RefreshTokenGrant(new RefreshToken(tokens.getTokens().getAccessToken().getValue())))
                .toHTTPRequest().send();

        assertOAuthError(http, 400, "invalid_grant");
    }

    // --- introspection ----------------------------------------------------------------------------

    @Test
    void anActiveAccessTokenIntrospectsWithEveryClaimTheSpecNames() throws Exception {
        Credentials client = server.createClient("acme", "read", "write");
        AccessTokenResponse tokens = clientCredentials(client);
        JWTClaimsSet jwt = accessClaims(tokens);

        HTTPResponse http = new TokenIntrospectionRequest(introspectionEndpoint(), basic(resourceServer),
                tokens.getTokens().getAccessToken()).toHTTPRequest().send();

        TokenIntrospectionSuccessResponse answer = TokenIntrospectionResponse.parse(http).toSuccessResponse();
        assertThat(answer.isActive()).isTrue();
        assertThat(answer.getClientID()).isEqualTo(new ClientID(client.clientId()));
        assertThat(answer.getSubject().getValue()).isEqualTo(client.clientId());
        assertThat(answer.getScope()).isEqualTo(new Scope("read", "write"));
        assertThat(answer.getIssuer().getValue()).isEqualTo(server.issuer());
        assertThat(answer.getJWTID().getValue()).isEqualTo(jwt.getJWTID());
        assertThat(answer.getIssueTime()).isEqualTo(jwt.getIssueTime());
        assertThat(answer.getExpirationTime()).isEqualTo(jwt.getExpirationTime());
        assertThat(answer.getExpirationTime().toInstant())
                .isEqualTo(answer.getIssueTime().toInstant().plus(Duration.ofHours(1)));
        assertThat(answer.getTokenType()).isEqualTo(AccessTokenType.BEARER);
        assertThat(answer.getStringParameter("partner_id")).isEqualTo("acme");
        // RFC 7662 §2.2: exp and iat are NumericDate, whole seconds, not strings or milliseconds.
        JsonNode raw = TestServer.JSON.readTree(http.getBody());
        assertThat(raw.get("exp").isIntegralNumber()).isTrue();
        assertThat(raw.get("exp").asLong()).isEqualTo(jwt.getExpirationTime().toInstant().getEpochSecond());
        assertThat(raw.get("iat").asLong()).isEqualTo(jwt.getIssueTime().toInstant().getEpochSecond());
    }

    @Test
    void introspectionAuthenticatesACallerUsingPostAuthentication() throws Exception {
        AccessTokenResponse tokens = clientCredentials(server.createClient("p"));

        HTTPResponse http = new TokenIntrospectionRequest(introspectionEndpoint(), post(resourceServer),
                tokens.getTokens().getAccessToken()).toHTTPRequest().send();

        assertThat(TokenIntrospectionResponse.parse(http).toSuccessResponse().isActive()).isTrue();
    }

    @Test
    void introspectionAuthenticatesACallerWithAnAdminApiKey() throws Exception {
        Credentials client = server.createClient("p");
        String accessToken = clientCredentials(client).getTokens().getAccessToken().getValue();

        HttpResponse<String> response = server.postForm("/oauth2/introspect", Map.of("token", accessToken),
                "X-API-Key", TestServer.ADMIN_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("active").asBoolean()).isTrue();
        assertThat(body.get("client_id").asText()).isEqualTo(client.clientId());
    }

    @Test
    void introspectionWithAWrongApiKeyIsRefusedWith401() throws Exception {
        String accessToken = clientCredentials(server.createClient("p")).getTokens().getAccessToken().getValue();

        HttpResponse<String> response = server.postForm("/oauth2/introspect", Map.of("token", accessToken),
                "X-API-Key", TestServer.ADMIN_KEY + "x");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(response.body()).doesNotContain(accessToken);
    }

    @Test
    void introspectionWithoutAuthenticationIsInvalidClient() throws Exception {
        String accessToken = clientCredentials(server.createClient("p")).getTokens().getAccessToken().getValue();

        HttpResponse<String> response = server.postForm("/oauth2/introspect", Map.of("token", accessToken));

        assertOAuthError(response, 401, "invalid_client");
    }

    @Test
    void introspectionWithAWrongClientSecretIsInvalidClient() throws Exception {
        BearerAccessToken accessToken = clientCredentials(server.createClient("p")).getTokens().getBearerAccessToken();

        HTTPResponse http = new TokenIntrospectionRequest(introspectionEndpoint(),
                basic(new Credentials(resourceServer.clientId(), resourceServer.secret() + "x")), accessToken)
                .toHTTPRequest().send();

        assertOAuthError(http, 401, "invalid_client");
    }

    static Stream<String> garbageTokens() {
        return Stream.of(
                "not-a-token",
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
                "a.b.c",
                "x".repeat(9000));
    }

    @ParameterizedTest
    @MethodSource("garbageTokens")
    void garbageIntrospectsAsInactive(String garbage) throws Exception {
        assertInactive(new BearerAccessToken(garbage));
    }

    @Test
    void anAccessTokenIsActiveUntilItsExpiryAndInactiveFromThatInstantOn() throws Exception {
        BearerAccessToken accessToken = clientCredentials(server.createClient("p")).getTokens().getBearerAccessToken();
        Instant exp = SignedJWT.parse(accessToken.getValue()).getJWTClaimsSet().getExpirationTime().toInstant();

        server.clock().advance(Duration.between(server.clock().instant(), exp).minusMillis(1));
        assertThat(introspect(accessToken).isActive()).isTrue();

        // SPEC §5: no clock-skew leeway on the server's own tokens.
        server.clock().advance(Duration.ofMillis(1));
        assertInactive(accessToken);
    }

    @Test
    void aRevokedAccessTokenIntrospectsAsInactive() throws Exception {
        Credentials client = server.createClient("p");
        BearerAccessToken accessToken = clientCredentials(client).getTokens().getBearerAccessToken();

        HTTPResponse revoked = new TokenRevocationRequest(revocationEndpoint(), basic(client), accessToken)
                .toHTTPRequest().send();

        assertThat(revoked.getStatusCode()).isEqualTo(200);
        // RFC 7009 §2.2 lets the body be anything; clients that parse every answer (simple-oauth2) need JSON.
        assertThat(revoked.getHeaderValue("Content-Type")).startsWith("application/json");
        assertThat(revoked.getBody()).isEqualToIgnoringWhitespace("{}");
        assertInactive(accessToken);
    }

    @Test
    void theTokensOfADeletedClientIntrospectAsInactive() throws Exception {
        Credentials client = server.createClient("p");
        AccessTokenResponse tokens = clientCredentials(client);
        assertThat(introspect(tokens.getTokens().getAccessToken()).isActive()).isTrue();

        HttpResponse<String> deleted = server.admin("DELETE", "/admin/clients/" + client.clientId(), null);

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertInactive(tokens.getTokens().getAccessToken());
        assertInactive(tokens.getTokens().getRefreshToken());
        assertOAuthError(tokenRequest(tokenEndpoint(), basic(client),
                new RefreshTokenGrant(tokens.getTokens().getRefreshToken())).toHTTPRequest().send(),
                401, "invalid_client");
    }

    @Test
    void introspectionNeverPresentsARefreshTokenAsAnAccessToken() throws Exception {
        RefreshToken refreshToken = clientCredentials(server.createClient("p")).getTokens().getRefreshToken();

        HTTPResponse http = new TokenIntrospectionRequest(introspectionEndpoint(), basic(resourceServer),
                new BearerAccessToken(refreshToken.getValue())).toHTTPRequest().send();

        // RFC 7662 allows answering for a refresh token, but never as a bearer access token: a
        // resource server must be able to tell the two apart from the answer alone.
        assertThat(http.getStatusCode()).isEqualTo(200);
        JsonNode body = TestServer.JSON.readTree(http.getBody());
        assertThat(body.path("token_type").asText()).isNotEqualToIgnoringCase("Bearer")
                .isNotEqualToIgnoringCase("access_token");
    }

    // --- revocation -------------------------------------------------------------------------------

    @Test
    void revokingARefreshTokenEndsItsWholeFamily() throws Exception {
        Credentials client = server.createClient("p");
        AccessTokenResponse first = clientCredentials(client);
        AccessTokenResponse second = success(tokenRequest(tokenEndpoint(), basic(client),
                new RefreshTokenGrant(first.getTokens().getRefreshToken())).toHTTPRequest().send());
        AccessTokenResponse otherFamily = clientCredentials(client);

        HTTPResponse revoked = new TokenRevocationRequest(revocationEndpoint(), basic(client),
                second.getTokens().getRefreshToken()).toHTTPRequest().send();

        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertInactive(first.getTokens().getAccessToken());
        assertInactive(second.getTokens().getAccessToken());
        assertInactive(second.getTokens().getRefreshToken());
        assertOAuthError(tokenRequest(tokenEndpoint(), basic(client),
                new RefreshTokenGrant(second.getTokens().getRefreshToken())).toHTTPRequest().send(),
                400, "invalid_grant");
        // Another grant of the same client is another family, and lives on.
        assertThat(introspect(otherFamily.getTokens().getAccessToken()).isActive()).isTrue();
        assertThat(success(tokenRequest(tokenEndpoint(), basic(client),
                new RefreshTokenGrant(otherFamily.getTokens().getRefreshToken())).toHTTPRequest().send())
                .getTokens().getAccessToken()).isNotNull();
    }

    @Test
    void revokingAnAccessTokenLeavesItsRefreshTokenUsable() throws Exception {
        Credentials client = server.createClient("p");
        AccessTokenResponse tokens = clientCredentials(client);

        new TokenRevocationRequest(revocationEndpoint(), post(client), tokens.getTokens().getAccessToken())
                .toHTTPRequest().send();

        assertInactive(tokens.getTokens().getAccessToken());
        assertThat(success(tokenRequest(tokenEndpoint(), basic(client),
                new RefreshTokenGrant(tokens.getTokens().getRefreshToken())).toHTTPRequest().send())
                .getTokens().getAccessToken()).isNotNull();
    }

    @Test
    void revokingAnUnknownTokenAnswers200() throws Exception {
        Credentials client = server.createClient("p");

        HTTPResponse garbage = new TokenRevocationRequest(revocationEndpoint(), basic(client),
                new BearerAccessToken("not-a-token")).toHTTPRequest().send();
        HTTPResponse jwtShaped = new TokenRevocationRequest(revocationEndpoint(), basic(client),
                new RefreshToken("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")).toHTTPRequest().send();

        assertThat(garbage.getStatusCode()).isEqualTo(200);
        assertThat(jwtShaped.getStatusCode()).isEqualTo(200);
    }

    @Test
    void aClientCannotRevokeTheTokenOfAnotherClient() throws Exception {
        Credentials owner = server.createClient("p");
        Credentials other = server.createClient("p");
        AccessTokenResponse tokens = clientCredentials(owner);

        HTTPResponse accessAttempt = new TokenRevocationRequest(revocationEndpoint(), basic(other),
                tokens.getTokens().getAccessToken()).toHTTPRequest().send();
        HTTPResponse refreshAttempt = new TokenRevocationRequest(revocationEndpoint(), basic(other),
                tokens.getTokens().getRefreshToken()).toHTTPRequest().send();

        assertThat(accessAttempt.getStatusCode()).isEqualTo(200);
        assertThat(refreshAttempt.getStatusCode()).isEqualTo(200);
        assertThat(introspect(tokens.getTokens().getAccessToken()).isActive()).isTrue();
        assertThat(introspect(tokens.getTokens().getRefreshToken()).isActive()).isTrue();
    }

    @Test
    void revocationRequiresClientAuthentication() throws Exception {
        Credentials client = server.createClient("p");
        AccessTokenResponse tokens = clientCredentials(client);

        HttpResponse<String> anonymous = server.postForm("/oauth2/revoke",
                Map.of("token", tokens.getTokens().getAccessToken().getValue()));
        HTTPResponse wrongSecret = new TokenRevocationRequest(revocationEndpoint(),
                post(new Credentials(client.clientId(), client.secret() + "x")),
                tokens.getTokens().getAccessToken()).toHTTPRequest().send();

        assertOAuthError(anonymous, 401, "invalid_client");
        assertOAuthError(wrongSecret, 401, "invalid_client");
        assertThat(introspect(tokens.getTokens().getAccessToken()).isActive()).isTrue();
    }

    // --- metadata ---------------------------------------------------------------------------------

    @Test
    void theMetadataParsesAndNamesEveryEndpointTheClientNeeds() throws Exception {
        HttpResponse<String> response = server.get("/.well-known/oauth-authorization-server");
        assertThat(response.statusCode()).isEqualTo(200);

        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(response.body());

        String issuer = server.issuer();
        assertThat(metadata.getIssuer().getValue()).isEqualTo(issuer);
        assertThat(metadata.getTokenEndpointURI()).isEqualTo(URI.create(issuer + "/oauth2/token"));
        assertThat(metadata.getIntrospectionEndpointURI()).isEqualTo(URI.create(issuer + "/oauth2/introspect"));
        assertThat(metadata.getRevocationEndpointURI()).isEqualTo(URI.create(issuer + "/oauth2/revoke"));
        assertThat(metadata.getJWKSetURI()).isEqualTo(URI.create(issuer + "/oauth2/jwks"));
        assertThat(metadata.getGrantTypes()).contains(GrantType.CLIENT_CREDENTIALS, GrantType.REFRESH_TOKEN);
        assertThat(metadata.getTokenEndpointAuthMethods()).contains(
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST);
    }

    @Test
    void aClientConfiguredFromTheMetadataAloneGetsAndIntrospectsATokenAndRevokesIt() throws Exception {
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(
                server.get("/.well-known/oauth-authorization-server").body());
        Credentials client = server.createClient("p");

        AccessTokenResponse tokens = success(tokenRequest(metadata.getTokenEndpointURI(), basic(client),
                new ClientCredentialsGrant()).toHTTPRequest().send());
        TokenIntrospectionSuccessResponse introspected = TokenIntrospectionResponse.parse(
                new TokenIntrospectionRequest(metadata.getIntrospectionEndpointURI(), basic(client),
                        tokens.getTokens().getAccessToken()).toHTTPRequest().send()).toSuccessResponse();
        HTTPResponse revoked = new TokenRevocationRequest(metadata.getRevocationEndpointURI(), basic(client),
                tokens.getTokens().getAccessToken()).toHTTPRequest().send();

        assertThat(introspected.isActive()).isTrue();
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertInactive(tokens.getTokens().getAccessToken());
    }

    // --- helpers ----------------------------------------------------------------------------------

    private static URI tokenEndpoint() {
        return server.uri("/oauth2/token");
    }

    private static URI introspectionEndpoint() {
        return server.uri("/oauth2/introspect");
    }

    private static URI revocationEndpoint() {
        return server.uri("/oauth2/revoke");
    }

    private static TokenRequest tokenRequest(URI endpoint, ClientAuthentication client, AuthorizationGrant grant) {
        return new TokenRequest.Builder(endpoint, client, grant).build();
    }

    private static TokenRequest tokenRequest(URI endpoint, ClientAuthentication client, AuthorizationGrant grant,
                                             Scope scope) {
        return new TokenRequest.Builder(endpoint, client, grant).scope(scope).build();
    }

    /** A request without client authentication, as a public client would send it. */
    private static TokenRequest tokenRequest(URI endpoint, AuthorizationGrant grant) {
        return new TokenRequest.Builder(endpoint, grant).build();
    }

    private static ClientAuthentication basic(Credentials client) {
        return new ClientSecretBasic(new ClientID(client.clientId()), new Secret(client.secret()));
    }

    private static ClientAuthentication post(Credentials client) {
        return new ClientSecretPost(new ClientID(client.clientId()), new Secret(client.secret()));
    }

    private static AccessTokenResponse clientCredentials(Credentials client) throws IOException {
        return success(tokenRequest(tokenEndpoint(), basic(client), new ClientCredentialsGrant())
                .toHTTPRequest().send());
    }

    private static AccessTokenResponse success(HTTPResponse http) {
        try {
            TokenResponse response = TokenResponse.parse(http);
            assertThat(response.indicatesSuccess())
                    .as("token endpoint answered %s: %s", http.getStatusCode(), http.getBody()).isTrue();
            return response.toSuccessResponse();
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new AssertionError("not a token response: " + http.getBody(), e);
        }
    }

    private static JWTClaimsSet accessClaims(AccessTokenResponse tokens) throws java.text.ParseException {
        return SignedJWT.parse(tokens.getTokens().getAccessToken().getValue()).getJWTClaimsSet();
    }

    private static TokenIntrospectionSuccessResponse introspect(Token token) throws Exception {
        HTTPResponse http = new TokenIntrospectionRequest(introspectionEndpoint(), basic(resourceServer), token)
                .toHTTPRequest().send();
        TokenIntrospectionResponse response = TokenIntrospectionResponse.parse(http);
        assertThat(response.indicatesSuccess()).as("introspection answered %s", http.getBody()).isTrue();
        return response.toSuccessResponse();
    }

    /** RFC 7662 §2.2: an inactive token is answered with {@code active:false} and nothing else. */
    private static void assertInactive(Token token) throws Exception {
        HTTPResponse http = new TokenIntrospectionRequest(introspectionEndpoint(), basic(resourceServer), token)
                .toHTTPRequest().send();
        assertThat(http.getStatusCode()).as(http.getBody()).isEqualTo(200);
        assertThat(TestServer.JSON.readTree(http.getBody()))
                .isEqualTo(TestServer.JSON.readTree("{\"active\":false}"));
        assertThat(TokenIntrospectionResponse.parse(http).toSuccessResponse().isActive()).isFalse();
    }

    private static void assertOAuthError(HTTPResponse http, int status, String error) {
        assertOAuthError(http.getStatusCode(), http.getHeaderValue("Content-Type"), http.getWWWAuthenticate(),
                http.getBody(), status, error);
    }

    private static void assertOAuthError(HttpResponse<String> response, int status, String error) {
        assertOAuthError(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                response.headers().firstValue("WWW-Authenticate").orElse(null), response.body(), status, error);
    }

    /** RFC 6749 §5.2: {@code {"error","error_description"}}; a 401 names its scheme (RFC 7235). */
    private static void assertOAuthError(int actualStatus, String contentType, String wwwAuthenticate, String body,
                                         int status, String error) {
        assertThat(actualStatus).as("status of %s", body).isEqualTo(status);
        assertThat(contentType).startsWith("application/json");
        JsonNode json;
        try {
            json = TestServer.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("error", "error_description");
        assertThat(json.get("error").asText()).isEqualTo(error);
        assertThat(json.get("error_description").asText()).isNotBlank();
        if (status == 401) {
            assertThat(wwwAuthenticate).as("WWW-Authenticate of a 401").isNotBlank();
        }
    }

    private HttpResponse<String> postRawForm(String path, String body, String... headers) {
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return server.send(builder.build());
    }

    private static String percentEncodeEveryByte(String value, boolean lowerCaseHex) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            String hex = String.format("%%%02X", b & 0xFF);
            encoded.append(lowerCaseHex ? hex.toLowerCase(java.util.Locale.ROOT) : hex);
        }
        return encoded.toString();
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
