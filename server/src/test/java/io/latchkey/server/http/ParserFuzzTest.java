package io.latchkey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.latchkey.core.error.LatchkeyException;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the request parsers themselves, in process, with Jazzer: form bodies
 * and their JSON alternative ({@link OAuthParameters}), JSON bodies and every field accessor the
 * pipeline and admin endpoints use on them ({@link Json}, {@link JsonFields}), and HTTP Basic
 * credentials ({@link ClientCredentials}). Whatever the input, a parser either returns or refuses
 * it with a {@link LatchkeyException} of a 4xx status and a message; any other exception, or an
 * input that takes longer than Jazzer's per-input timeout, is a finding.
 *
 * <p>{@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/io/latchkey/server/http/ParserFuzzTestInputs/<method>/} (regression
 * mode, bounded). To fuzz, with coverage guidance, one target at a time for its
 * {@code maxDuration}:
 * <pre>
 * JAZZER_FUZZ=1 mvn -o verify -pl server -am -Dtest='ParserFuzzTest#formBodies' \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * A finding is written into that inputs directory, so it is replayed by every later build once
 * committed. {@code RequestFuzzTest} fuzzes the same parsers and everything else over HTTP.
 */
@Tag("no-store") // touches no store: runs once, not again in the PostgreSQL pass
class ParserFuzzTest {
    /** Every parameter and field name the endpoints read. */
    private static final List<String> NAMES = List.of("grant_type", "client_id", "client_secret", "username",
            "password", "scope", "refresh_token", "token", "token_type_hint", "partnerId", "executionType",
            "apikey", "clientId", "name", "scopes", "graceSeconds");

    @FuzzTest(maxDuration = "2m")
    void formBodies(@NotNull byte[] body) {
        refusedCleanly(() -> readAll(OAuthParameters.parse(MediaTypes.FORM, Buffer.buffer(body))));
        refusedCleanly(() -> readAll(OAuthParameters.parse(MediaTypes.JSON, Buffer.buffer(body))));
    }

    @FuzzTest(maxDuration = "2m")
    void jsonBodies(@NotNull byte[] body) {
        refusedCleanly(() -> {
            JsonFields fields = new JsonFields(Json.parseObject(Buffer.buffer(body)));
            for (String name : NAMES) {
                refusedCleanly(() -> fields.has(name));
                refusedCleanly(() -> fields.text(name));
                refusedCleanly(() -> fields.optionalText(name));
                refusedCleanly(() -> fields.nonBlankText(name, 200));
                refusedCleanly(() -> fields.optionalTextList(name));
                refusedCleanly(() -> fields.optionalLong(name, 0, 0, 86_400));
            }
        });
    }

    @FuzzTest(maxDuration = "2m")
    void basicCredentials(@NotNull String encoded) {
        refusedCleanly(() -> {
            var credentials = Credentials.decodeBasic(encoded);
            assertThat(credentials.clientId()).isNotNull();
            assertThat(credentials.secret()).isNotNull();
        });
    }

    private static void readAll(OAuthParameters parameters) {
        for (String name : NAMES) {
            refusedCleanly(() -> parameters.require(name));
        }
    }

    /** Runs {@code parse}; a refusal must be a client error with something to say. */
    private static void refusedCleanly(Runnable parse) {
        try {
            parse.run();
        } catch (LatchkeyException refused) {
            assertThat(refused.error().status()).isBetween(400, 499);
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
