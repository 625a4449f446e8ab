package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every way a token reaches the server, each with the answer it gives a token it must not
 * honour: the refresh grant on both token endpoints fails with {@code invalid_grant},
 * introspection answers exactly {@code {"active":false}} (RFC 7662 §2.2), and revocation answers
 * 200 (RFC 7009 §2.2) — whether it changed nothing is for the test to check afterwards.
 */
enum TokenPath {
    /** RFC 6749 §6 on {@code /oauth2/token}, authenticated as {@code caller} with HTTP Basic. */
    REFRESH_GRANT_ON_TOKEN_ENDPOINT("/oauth2/token") {
        @Override
        HttpResponse<String> send(TestServer server, TestServer.Credentials caller, String token) {
            return server.postForm(path, Map.of("grant_type", "refresh_token", "refresh_token", token),
                    "Authorization", caller.basic());
        }

        @Override
        void assertRefused(HttpResponse<String> response) {
            assertOAuthError(response, 400, "invalid_grant");
        }
    },
    /** The integration model's refresh on {@code /pipeline/oauth2} (SPEC §2), which carries no client credentials. */
    REFRESH_ON_PIPELINE("/pipeline/oauth2") {
        @Override
        HttpResponse<String> send(TestServer server, TestServer.Credentials caller, String token) {
            return server.postJson(path, TestServer.write(Map.of("grant_type", "refresh_token", "refresh_token", token)));
        }

        @Override
        void assertRefused(HttpResponse<String> response) {
            PipelineErrors.assertError(response, 400, "invalid_grant");
        }
    },
    /** RFC 7662 with the admin API key, so that the answer depends on the token alone. */
    INTROSPECTION("/oauth2/introspect") {
        @Override
        HttpResponse<String> send(TestServer server, TestServer.Credentials caller, String token) {
            return server.postForm(path, Map.of("token", token), "X-API-Key", TestServer.ADMIN_KEY);
        }

        @Override
        void assertRefused(HttpResponse<String> response) {
            assertThat(response.statusCode()).as(SafeAnswers.describe(response)).isEqualTo(200);
            assertThat(TestServer.json(response)).as(SafeAnswers.describe(response))
                    .isEqualTo(TokenForgery.parse("{\"active\":false}"));
        }
    },
    /** RFC 7009 by {@code caller} with HTTP Basic. */
    REVOCATION("/oauth2/revoke") {
        @Override
        HttpResponse<String> send(TestServer server, TestServer.Credentials caller, String token) {
            return server.postForm(path, Map.of("token", token), "Authorization", caller.basic());
        }

        @Override
        void assertRefused(HttpResponse<String> response) {
            assertThat(response.statusCode()).as(SafeAnswers.describe(response)).isEqualTo(200);
        }
    };

    final String path;

    TokenPath(String path) {
        this.path = path;
    }

    /** Presents {@code token} on this path; {@code caller} authenticates where the path needs a client. */
    abstract HttpResponse<String> send(TestServer server, TestServer.Credentials caller, String token);

    /** Asserts the answer this path gives a token it does not honour. */
    abstract void assertRefused(HttpResponse<String> response);

    /** Presents {@code token} and asserts the answer is safe: no 5xx, no internals, no echo of the token. */
    HttpResponse<String> present(TestServer server, TestServer.Credentials caller, String token) {
        HttpResponse<String> response = send(server, caller, token);
        SafeAnswers.assertSafe(response, token);
        SafeAnswers.assertNoEcho(response, token);
        return response;
    }

    /**
     * Presents each token and asserts this path refuses every one of them. They are sent in
     * parallel: none of them may change anything, so their order does not matter.
     */
    void assertRefusesEach(TestServer server, TestServer.Credentials caller, List<String> tokens) {
        assertThat(tokens).isNotEmpty();
        tokens.parallelStream().forEach(token -> assertRefused(present(server, caller, token)));
    }

    /** Asserts the body-size limit answered, in this path's error shape (SPEC §2, RFC 6749 §5.2). */
    void assertTooLarge(HttpResponse<String> response) {
        if (this == REFRESH_ON_PIPELINE) {
            PipelineErrors.assertError(response, 413, "request_too_large");
        } else {
            assertOAuthError(response, 413, "request_too_large");
        }
    }

    /** RFC 6749 §5.2: {@code {"error","error_description"}} and nothing else. */
    static void assertOAuthError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(SafeAnswers.describe(response)).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = TestServer.json(response);
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as(SafeAnswers.describe(response)).containsExactlyInAnyOrder("error", "error_description");
        assertThat(body.get("error").asText()).as(SafeAnswers.describe(response)).isEqualTo(error);
        if (status == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        }
    }
}
