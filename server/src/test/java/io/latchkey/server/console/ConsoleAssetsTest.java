package io.latchkey.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The web console's files over plain HTTP: served from the jar, with the headers that lock the page down. */
class ConsoleAssetsTest {
    private static final List<String> MODULES = ConsoleRoutes.MODULES;
    private static final Map<String, String> ASSETS = assets();

    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void consoleWithoutTheSlashRedirectsToThePage() {
        HttpResponse<String> response = server.get("/console");

        assertThat(response.statusCode()).isEqualTo(301);
        assertThat(response.headers().firstValue("Location")).hasValue("/console/");
    }

    @Test
    void everyFileIsServedWithItsContentTypeAndTheSecurityHeaders() {
        ASSETS.forEach((path, contentType) -> {
            HttpResponse<String> response = server.get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue(contentType);
            assertThat(response.body()).as(path).isNotBlank();
            assertSecurityHeaders(path, response);
            assertThat(response.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
            assertThat(response.headers().firstValue("ETag")).as(path).isPresent();
        });
    }

    @Test
    void theRedirectCarriesTheSecurityHeadersToo() {
        assertSecurityHeaders("/console", server.get("/console"));
    }

    @Test
    void anUnchangedFileAnswers304ToItsETag() {
        String etag = server.get("/console/console.js").headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> again = server.get("/console/console.js", "If-None-Match", etag);

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void headAnswersTheHeadersWithoutABody() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/console/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void noFileReferencesAnythingOutsideTheServer() {
        for (String path : ASSETS.keySet()) {
            String body = server.get(path).body();

            assertThat(body).as(path).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://")
                    .doesNotContain("//cdn").doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("url(");
        }
    }

    @Test
    void thePageHasNoInlineScriptStyleOrHandler() {
        String html = server.get("/console/").body();

        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)", Pattern.CASE_INSENSITIVE).matcher(html).find())
                .as("a <script> without src").isFalse();
        assertThat(html).doesNotContainIgnoringCase("<style").doesNotContainIgnoringCase(" style=")
                .doesNotContainIgnoringCase("javascript:");
        assertThat(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find())
                .as("an inline event handler").isFalse();
    }

    @Test
    void everyModuleTheScriptImportsIsServed() {
        for (String module : MODULES) {
            for (String imported : imports(server.get("/console/" + module).body())) {
                assertThat(MODULES).as(module + " imports " + imported).contains(imported);
            }
        }
    }

    @Test
    void theScriptNeverWritesHtmlNorKeepsTheKeyInStorage() {
        for (String module : MODULES) {
            assertNeverWritesHtmlNorStoresTheKey(module, server.get("/console/" + module).body());
        }
    }

    private static void assertNeverWritesHtmlNorStoresTheKey(String module, String js) {
        assertThat(js).as(module).doesNotContain("innerHTML").doesNotContain("outerHTML")
                .doesNotContain("insertAdjacentHTML").doesNotContain("document.write").doesNotContain("eval(").doesNotContain("localStorage")
                .doesNotContain("sessionStorage").doesNotContain("document.cookie").doesNotContain("indexedDB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/console/nothing.js", "/console/ConsoleRoutes.class", "/console/index.html/",
            "/consoles", "/console.js"})
    void anythingElseIsAJson404(String path) {
        HttpResponse<String> response = server.get(path);

        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/json");
    }

    @Test
    void theConsoleTakesOnlyGetAndHead() {
        HttpResponse<String> response = server.postJson("/console/", "{}");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void theAdminApiGrantsNoOtherOriginTheRightToCallIt() {
        // The console is CSRF-safe because only script of this origin can set X-API-Key: a CORS
        // preflight from elsewhere must not be allowed.
        HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(server.uri("/admin/clients"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "x-api-key").build());

        assertThat(preflight.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
    }

    private static Map<String, String> assets() {
        Map<String, String> assets = new LinkedHashMap<>();
        assets.put("/console/", "text/html; charset=utf-8");
        assets.put("/console/console.css", "text/css; charset=utf-8");
        for (String module : MODULES) {
            assets.put("/console/" + module, "text/javascript; charset=utf-8");
        }
        return assets;
    }

    private static List<String> imports(String js) {
        Matcher matcher = Pattern.compile("^import \\{[^}]*\\} from '\\./([\\w-]+\\.js)';$", Pattern.MULTILINE)
                .matcher(js);
        List<String> imported = new ArrayList<>();
        while (matcher.find()) {
            imported.add(matcher.group(1));
        }
        return imported;
    }

    private static void assertSecurityHeaders(String path, HttpResponse<String> response) {
        var headers = response.headers();
        assertThat(headers.firstValue("Content-Security-Policy")).as(path).hasValue("default-src 'none'; "
                + "script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; "
                + "frame-ancestors 'none'; base-uri 'none'");
        assertThat(headers.firstValue("X-Frame-Options")).as(path).hasValue("DENY");
        assertThat(headers.firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
        assertThat(headers.allValues("X-Content-Type-Options")).as(path).isEqualTo(List.of("nosniff"));
    }
}
