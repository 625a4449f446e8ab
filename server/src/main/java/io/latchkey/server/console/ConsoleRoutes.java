package io.latchkey.server.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The web console: a handful of static files from the jar under {@code /console/}, a page that
 * calls the admin API (SPEC §4) from the browser with the admin API key in {@code X-API-Key}.
 *
 * <p>The key lives only in the page's memory: no cookie, no web storage. The browser never attaches
 * it to a request by itself, so a forged cross-site request carries no credential (CSRF-safe by
 * construction), and the admin API answers no CORS preflight, so another origin's script cannot
 * send the header either. The files are a fixed list, read once at start-up; nothing else under
 * {@code /console/} is served. Every answer carries a Content-Security-Policy that allows only this
 * origin's script, style and fetches and no inline code, so data the page shows cannot run.
 */
public final class ConsoleRoutes {
    public static final String PREFIX = "/console";

    /** No inline script or style, no other origin, no framing, no form posts, no {@code <base>}. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private static final String RESOURCES = "/io/latchkey/server/console/";

    /** The page's script: {@code console.js} and the JavaScript modules it imports, one per page. */
    static final List<String> MODULES = List.of("console.js", "admin.js", "page.js", "clients.js", "client-page.js",
            "apis.js", "audit.js", "keys.js", "webhooks.js", "overview.js", "chart.js");

    private final Map<String, Asset> assets;

    private ConsoleRoutes(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** Adds {@code GET}/{@code HEAD /console} (a redirect to {@code /console/}) and the console's files. */
    public static void mount(Router router) {
        Map<String, Asset> files = new HashMap<>();
        files.put("", Asset.load("index.html", "text/html; charset=utf-8"));
        files.put("console.css", Asset.load("console.css", "text/css; charset=utf-8"));
        for (String module : MODULES) {
            files.put(module, Asset.load(module, "text/javascript; charset=utf-8"));
        }
        ConsoleRoutes console = new ConsoleRoutes(Map.copyOf(files));
        // "/console/*" also matches "/console" itself, and never "/consoles".
        router.route(PREFIX + "/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(console::serve);
    }

    private void serve(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        HttpServerResponse response = ctx.response();
        if (path.equals(PREFIX)) {
            // Relative URLs in the page resolve against "/console/", so the page must live there.
            securityHeaders(response).setStatusCode(301).putHeader(HttpHeaders.LOCATION, PREFIX + "/").end();
            return;
        }
        Asset asset = assets.get(path.substring(PREFIX.length() + 1));
        if (asset == null) {
            ctx.next(); // the router's JSON 404
            return;
        }
        securityHeaders(response)
                // Revalidate every time (cheap with the ETag), so an upgraded jar is never mixed with a stale page.
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader(HttpHeaders.ETAG, asset.etag());
        if (asset.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType());
        if (ctx.request().method() == HttpMethod.HEAD) {
            // Vert.x would write the body after a HEAD's headers too (RFC 9110 §9.3.2 forbids it).
            response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(asset.body().length())).end();
        } else {
            response.end(asset.body());
        }
    }

    private static HttpServerResponse securityHeaders(HttpServerResponse response) {
        return response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cross-Origin-Opener-Policy", "same-origin")
                .putHeader("Cross-Origin-Resource-Policy", "same-origin")
                .putHeader("X-Content-Type-Options", "nosniff");
    }

    /** One file of the console, held in memory with its strong validator. */
    private record Asset(Buffer body, String contentType, String etag) {
        static Asset load(String name, String contentType) {
            try (InputStream in = ConsoleRoutes.class.getResourceAsStream(RESOURCES + name)) {
                if (in == null) {
                    throw new IllegalStateException("The console file " + name + " is missing from the jar.");
                }
                byte[] bytes = in.readAllBytes();
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
                String etag = "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
                return new Asset(Buffer.buffer(bytes), contentType, etag);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
