package io.latchkey.server;

import static io.latchkey.server.OAuthRequests.assertPipelineError;
import static io.latchkey.server.OAuthRequests.isActive;
import static io.latchkey.server.OAuthRequests.pipelineRefresh;
import static io.latchkey.server.OAuthRequests.pipelineTokens;
import static io.latchkey.server.OAuthRequests.refreshed;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.OAuthRequests.Tokens;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §5: deleting a client takes effect at once: its secret fails, its refresh tokens fail,
 * introspection of its access tokens answers {@code active:false}.
 */
class ClientDeletionTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void deletingThroughThePipelineEndsEverythingOfTheClientAtOnce() {
        assertDeletionTakesEffectAtOnce(client -> {
            HttpResponse<String> deleted = server.pipeline(Map.of(
                    "clientId", client.clientId(), "executionType", "delete", "apikey", TestServer.ADMIN_KEY));
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        });
    }

    @Test
    void deletingThroughTheAdminApiEndsEverythingOfTheClientAtOnce() {
        assertDeletionTakesEffectAtOnce(client -> {
            HttpResponse<String> deleted = server.admin("DELETE", "/admin/clients/" + client.clientId(), null);
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            assertThat(TestServer.json(deleted).get("message").asText())
                    .isEqualTo("Success when deleting client credentials for the clientId: " + client.clientId());
        });
    }

    @Test
    void aDeletedClientIsGoneFromTheAdminApiAndCannotBeDeletedTwice() {
        TestServer.Credentials client = server.createClient("GonePartner");
        assertThat(server.admin("DELETE", "/admin/clients/" + client.clientId(), null).statusCode()).isEqualTo(200);

        assertPipelineError(server.admin("GET", "/admin/clients/" + client.clientId(), null), 404, "not_found");
        assertPipelineError(server.admin("DELETE", "/admin/clients/" + client.clientId(), null), 404, "not_found");
        assertPipelineError(server.pipeline(Map.of(
                "clientId", client.clientId(), "executionType", "delete", "apikey", TestServer.ADMIN_KEY)),
                404, "not_found");
        HttpResponse<String> list = server.admin("GET", "/admin/clients?partnerId=GonePartner", null);
        assertThat(TestServer.json(list).get("clients")).isEmpty();
    }

    @Test
    void deletingOneClientLeavesTheOthersOfThePartnerWorking() {
        TestServer.Credentials doomed = server.createClient("SharedPartner");
        TestServer.Credentials survivor = server.createClient("SharedPartner");
        Tokens survivorTokens = pipelineTokens(server, survivor);
        pipelineTokens(server, doomed);

        assertThat(server.admin("DELETE", "/admin/clients/" + doomed.clientId(), null).statusCode()).isEqualTo(200);

        assertThat(isActive(server, survivorTokens.accessToken())).isTrue();
        Tokens renewed = refreshed(server, survivorTokens.refreshToken());
        assertThat(isActive(server, renewed.accessToken())).isTrue();
        assertThat(isActive(server, pipelineTokens(server, survivor).accessToken())).isTrue();
    }

    /**
     * Gives a client two token families (one of them rotated once, so the client sits warm in every
     * cache), deletes it with {@code delete}, then checks, with no pause, that nothing of it works.
     */
    private static void assertDeletionTakesEffectAtOnce(Consumer<TestServer.Credentials> delete) {
        TestServer.Credentials client = server.createClient("DeletedPartner", "orders:read");
        Tokens first = pipelineTokens(server, client);
        Tokens rotated = refreshed(server, first.refreshToken());
        Tokens second = Tokens.of(server.token(client));
        assertThat(isActive(server, rotated.accessToken())).isTrue();
        assertThat(isActive(server, second.accessToken())).isTrue();

        delete.accept(client);

        assertPipelineError(server.pipeline(Map.of(
                "username", client.clientId(), "password", client.secret(), "grant_type", "client_credentials")),
                401, "invalid_client");
        HttpResponse<String> standard = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic());
        assertThat(standard.statusCode()).as(standard.body()).isEqualTo(401);
        assertThat(TestServer.json(standard).get("error").asText()).isEqualTo("invalid_client");
        assertThat(standard.headers().firstValue("WWW-Authenticate")).isPresent();

        assertPipelineError(pipelineRefresh(server, rotated.refreshToken()), 400, "invalid_grant");
        assertPipelineError(pipelineRefresh(server, second.refreshToken()), 400, "invalid_grant");

        assertThat(isActive(server, first.accessToken())).isFalse();
        assertThat(isActive(server, rotated.accessToken())).isFalse();
        assertThat(isActive(server, second.accessToken())).isFalse();
        assertThat(isActive(server, rotated.refreshToken())).isFalse();
        assertThat(isActive(server, second.refreshToken())).isFalse();

        // The deleted client cannot introspect either.
        HttpResponse<String> asClient = server.postForm("/oauth2/introspect", Map.of("token", second.accessToken()),
                "Authorization", client.basic());
        assertThat(asClient.statusCode()).as(asClient.body()).isEqualTo(401);
    }
}
