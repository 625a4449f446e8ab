package io.latchkey.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.server.RequiresProgram;
import io.latchkey.server.SystemPrograms;
import io.latchkey.server.TestServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console clicked through in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}): sign in, create (with a secret or a JWK set), search, rotate, delete, a
 * client's page (settings and API grants), the APIs, the audit log and signing keys, each checked
 * against what the server then really does. A screenshot of every step lands in
 * {@code target/console-screenshots/}. Without Chromium and its driver on the PATH the class is
 * skipped with the command that installs them ({@link RequiresProgram}; CI makes that a failure).
 * Tagged {@code browser}: the store makes no difference to a page, so the PostgreSQL run of the
 * suite leaves it out.
 */
@Tag("browser")
@RequiresProgram(value = {"chromium", "chromedriver"}, install = "apt-get install chromium chromium-driver")
class ConsoleBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    // Selenium warns that it has no DevTools binding for this Chromium; these tests use none.
    private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private static TestServer server;
    private static Path profile;
    private static ChromeDriver browser;
    private static WebDriverWait await;

    @BeforeAll
    static void start() throws IOException {
        Path chromium = SystemPrograms.path("chromium");
        Path chromedriver = SystemPrograms.path("chromedriver");
        CDP_LOG.setLevel(Level.OFF);
        // The webhooks page subscribes a loopback URL, which only this setting permits.
        server = TestServer.start(config -> config.webhookAllowPrivate(true));
        profile = Files.createTempDirectory("console-browser");
        Files.createDirectories(SCREENSHOTS);
        // Debian's driver and browser, named explicitly: Selenium Manager must not look for or fetch either.
        System.setProperty("SE_OFFLINE", "true");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        // The page re-renders tables while a condition reads them: read again rather than fail.
        await = new WebDriverWait(browser, PATIENCE);
        await.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            server.close();
            deleteRecursively(profile);
        }
    }

    @BeforeEach
    void freshPage() {
        // A new page load is a new tab memory: signed out.
        browser.get(server.baseUrl() + "/console/");
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-key")));
    }

    // --- signing in and out -------------------------------------------------------------------

    @Test
    void aWrongKeyShowsAnErrorAndTheRightKeyOpensTheClients() {
        screenshot("01-sign-in");
        typeInto("sign-in-key", "not-the-admin-key");
        click("#sign-in-form button[type=submit]");

        WebElement message = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
        assertThat(message.getText()).contains("not accepted");
        assertThat(visible("view-sign-in")).isTrue();
        assertThat(visible("view-clients")).isFalse();
        screenshot("02-sign-in-wrong-key");

        signIn();
        assertThat(visible("view-sign-in")).isFalse();
        assertThat(browser.findElement(By.id("nav-clients")).getAttribute("aria-current")).isEqualTo("page");
    }

    @Test
    void signingOutForgetsTheKeyAndStoresNothingInTheBrowser() {
        signIn();
        assertThat(storedAnything()).isFalse();

        click("#sign-out");

        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-key")));
        assertThat(visible("top-bar")).isFalse();
        assertThat(browser.findElements(By.cssSelector("#clients-body tr"))).isEmpty();
        assertThat(storedAnything()).isFalse();
    }

    @Test
    void aKeyRevokedWhileSignedInLeadsBackToSignIn() {
        HttpResponse<String> created = server.admin("POST", "/admin/api-keys", "{\"name\":\"console test\"}");
        JsonNode key = TestServer.json(created);
        signIn(key.get("apiKey").asText());

        server.admin("DELETE", "/admin/api-keys/" + key.get("id").asText(), null);
        click("#search-form button[type=submit]");

        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-key")));
        assertThat(browser.findElement(By.id("message")).getText()).contains("not accepted");
    }

    // --- clients ------------------------------------------------------------------------------

    @Test
    void newCredentialsShowTheSecretOnceAndTheSecretWorks() {
        String partner = "Acme-" + UUID.randomUUID();
        signIn();
        typeInto("create-partner", partner);
        typeInto("create-name", "Orders sync");
        typeInto("create-scopes", "orders:read orders:write");
        screenshot("04-new-credentials-form");
        click("#create-form button[type=submit]");

        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
        String clientId = value("secret-client");
        String secret = value("secret-value");
        assertThat(clientId).isNotBlank();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
        assertThat(browser.findElement(By.cssSelector("#secret-dialog .warning")).getText())
                .contains("You will not see this secret again");
        click("#secret-dialog button[data-copy=secret-value]");
        await.until(ExpectedConditions.textToBe(By.cssSelector("#secret-dialog button[data-copy=secret-value]"),
                "Copied"));
        screenshot("05-secret-shown-once");

        // The secret is real: the token endpoint accepts it, and the scopes came along.
        TestServer.Credentials credentials = new TestServer.Credentials(clientId, secret);
        JsonNode token = server.token(credentials);
        assertThat(token.get("scope").asText().split(" ")).containsExactlyInAnyOrder("orders:read", "orders:write");

        click("#secret-done");
        await.until(ExpectedConditions.invisibilityOfElementLocated(By.id("secret-dialog")));
        assertThat(value("secret-value")).as("the secret leaves the page with the dialog").isEmpty();
        WebElement row = row(clientId);
        assertThat(row.findElement(By.cssSelector(".partner")).getText()).isEqualTo(partner);
        assertThat(row.getText()).contains("Orders sync").doesNotContain(secret);
        screenshot("06-clients");
    }

    @Test
    void searchingByPartnerListsOnlyThatPartnersClients() {
        String partner = "Search-" + UUID.randomUUID();
        TestServer.Credentials first = server.createClient(partner);
        TestServer.Credentials second = server.createClient(partner);
        TestServer.Credentials other = server.createClient("Other-" + UUID.randomUUID());
        signIn();

        search(partner);

        await.until(d -> clientIdsShown().size() == 2);
        assertThat(clientIdsShown()).containsExactlyInAnyOrder(first.clientId(), second.clientId())
                .doesNotContain(other.clientId());
        assertThat(browser.findElement(By.id("clients-count")).getText()).isEqualTo("2 clients");
        screenshot("07-search-by-partner");

        click("#search-clear");
        await.until(d -> clientIdsShown().contains(other.clientId()));
    }

    @Test
    void rotatingWithAGracePeriodKeepsBothSecretsWorkingUntilItEnds() {
        String partner = "Rotate-" + UUID.randomUUID();
        TestServer.Credentials old = server.createClient(partner);
        signIn();
        search(partner);

        row(old.clientId()).findElement(By.cssSelector("button.rotate")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("rotate-dialog")));
        assertThat(browser.findElement(By.id("rotate-client")).getText()).isEqualTo(old.clientId());
        typeInto("rotate-grace", "2");
        new Select(browser.findElement(By.id("rotate-unit"))).selectByVisibleText("hours");
        screenshot("08-rotate-with-grace");
        click("#rotate-confirm");

        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
        assertThat(browser.findElement(By.id("secret-title")).getText()).isEqualTo("Secret rotated");
        assertThat(browser.findElement(By.id("secret-note")).getText()).contains("keeps working until");
        TestServer.Credentials fresh = new TestServer.Credentials(old.clientId(), value("secret-value"));
        assertThat(fresh.secret()).isNotEqualTo(old.secret()).hasSizeGreaterThanOrEqualTo(43);
        screenshot("09-secret-rotated");
        click("#secret-done");
        await.until(d -> !row(old.clientId()).findElements(By.tagName("td")).get(5).getText().isEmpty());

        assertThat(tokenStatus(old)).as("old secret during the grace period").isEqualTo(200);
        assertThat(tokenStatus(fresh)).as("new secret").isEqualTo(200);
        server.clock().advance(Duration.ofHours(2).plusSeconds(1));
        assertThat(tokenStatus(old)).as("old secret after the grace period").isEqualTo(401);
        assertThat(tokenStatus(fresh)).as("new secret after the grace period").isEqualTo(200);
    }

    @Test
    void deletingAsksForTheClientIdAndThenTheSecretFails() {
        String partner = "Delete-" + UUID.randomUUID();
        TestServer.Credentials doomed = server.createClient(partner);
        assertThat(tokenStatus(doomed)).isEqualTo(200);
        signIn();
        search(partner);

        row(doomed.clientId()).findElement(By.cssSelector("button.delete")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("delete-dialog")));
        assertThat(browser.findElement(By.id("delete-client")).getText()).isEqualTo(doomed.clientId());
        WebElement confirm = browser.findElement(By.id("delete-confirm"));
        assertThat(confirm.isEnabled()).isFalse();
        typeInto("delete-confirm-id", doomed.clientId().substring(1));
        assertThat(confirm.isEnabled()).as("enabled by a wrong id").isFalse();
        typeInto("delete-confirm-id", doomed.clientId());
        await.until(ExpectedConditions.elementToBeClickable(confirm));
        screenshot("10-delete-confirmation");
        confirm.click();

        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                "Deleted client " + doomed.clientId()));
        await.until(d -> clientIdsShown().isEmpty());
        screenshot("11-deleted");
        assertThat(tokenStatus(doomed)).isEqualTo(401);
        assertThat(server.admin("GET", "/admin/clients/" + doomed.clientId(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void cancellingADeleteKeepsTheClient() {
        String partner = "Keep-" + UUID.randomUUID();
        TestServer.Credentials kept = server.createClient(partner);
        signIn();
        search(partner);

        row(kept.clientId()).findElement(By.cssSelector("button.delete")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("delete-dialog")));
        click("#delete-cancel");

        await.until(ExpectedConditions.invisibilityOfElementLocated(By.id("delete-dialog")));
        assertThat(tokenStatus(kept)).isEqualTo(200);
    }

    @Test
    void aPartnerIdThatLooksLikeHtmlIsShownAsText() {
        String partner = "<img src=x onerror=\"document.title='pwned'\">" + UUID.randomUUID();
        TestServer.Credentials client = server.createClient(partner);
        signIn();

        search(partner);

        WebElement row = row(client.clientId());
        assertThat(row.findElement(By.cssSelector(".partner")).getText()).isEqualTo(partner);
        assertThat(browser.findElements(By.cssSelector("#clients-body img"))).isEmpty();
        assertThat(browser.getTitle()).isEqualTo("Latchkey console");
        screenshot("12-html-shown-as-text");
    }

    @Test
    void anApiErrorIsShownAsAMessage() {
        signIn();
        typeInto("create-partner", "x".repeat(129)); // partner ids are at most 128 characters

        click("#create-form button[type=submit]");

        WebElement message = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
        assertThat(message.getAttribute("class")).isEqualTo("error");
        assertThat(message.getText()).isNotBlank();
        assertThat(visible("view-clients")).isTrue();
    }

    // --- authentication methods (SPEC §7) -----------------------------------------------------

    @Test
    void aPrivateKeyJwtClientIsCreatedFromAPastedJwkSetHasNoSecretAndItsKeyWorks() throws Exception {
        String partner = "Keyed-" + UUID.randomUUID();
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("console-k1").generate();
        signIn();
        assertThat(visible("create-jwks-field")).as("no JWK set for a secret").isFalse();
        typeInto("create-partner", partner);
        new Select(browser.findElement(By.id("create-method"))).selectByValue("private_key_jwt");
        typeInto("create-jwks", new JWKSet(key.toPublicJWK()).toString(true));
        screenshot("17-new-private-key-jwt-client");
        click("#create-form button[type=submit]");

        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
        assertThat(browser.findElement(By.id("secret-title")).getText()).isEqualTo("Client created");
        assertThat(visible("secret-part")).as("no secret to show").isFalse();
        assertThat(visible("secret-warning")).isFalse();
        assertThat(browser.findElement(By.id("secret-note")).getText()).contains("private_key_jwt");
        String clientId = value("secret-client");
        screenshot("18-private-key-jwt-client-created");
        click("#secret-done");

        WebElement row = row(clientId);
        assertThat(row.findElement(By.cssSelector(".method")).getText()).isEqualTo("private_key_jwt");
        assertThat(row.findElements(By.cssSelector("button.rotate"))).as("no secret to rotate").isEmpty();
        openClientPage(clientId);
        assertThat(browser.findElement(By.id("client-method")).getText()).isEqualTo("private_key_jwt");
        assertThat(browser.findElement(By.id("client-jwks")).getText()).contains("console-k1")
                .doesNotContain("\"d\"");
        assertThat(visible("client-rotate")).isFalse();
        assertThat(visible("client-previous")).isFalse();
        screenshot("19-private-key-jwt-client-page");

        // The key is really the client's: an assertion it signs gets a token (RFC 7523 §2.2).
        HttpResponse<String> token = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion(key, clientId)));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    }

    @Test
    void aJwkSetThatIsNotJsonOrHoldsAPrivateKeyIsRefusedWithAMessage() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("private").generate();
        signIn();
        typeInto("create-partner", "Refused-" + UUID.randomUUID());
        new Select(browser.findElement(By.id("create-method"))).selectByValue("private_key_jwt");
        typeInto("create-jwks", "{\"keys\": [");
        click("#create-form button[type=submit]");

        WebElement message = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
        assertThat(message.getText()).contains("not valid JSON");

        typeInto("create-jwks", new JWKSet(key).toString(false)); // with the private "d"
        click("#create-form button[type=submit]");

        await.until(d -> message.getText().contains("(400 invalid_request)"));
        assertThat(message.getAttribute("class")).isEqualTo("error");
        assertThat(message.getText()).doesNotContain(key.getD().toString());
        assertThat(browser.findElement(By.id("secret-dialog")).isDisplayed()).isFalse();
        screenshot("20-jwk-set-refused");
    }

    // --- APIs and grants (SPEC §6) --------------------------------------------------------------

    @Test
    void registeringAnApiListsItAndBadInputShowsTheServersError() {
        String identifier = "https://" + UUID.randomUUID() + ".orders.example.test/";
        signIn();
        click("#nav-apis");
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-identifier")));

        typeInto("api-identifier", "orders-api");
        click("#api-form button[type=submit]");
        WebElement message = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
        assertThat(message.getText()).contains("absolute URI").contains("(400 invalid_request)");
        screenshot("21-api-identifier-refused");

        typeInto("api-identifier", identifier);
        typeInto("api-name", "Orders");
        typeInto("api-scopes", "orders:read orders:write");
        typeInto("api-ttl", "five minutes");
        click("#api-form button[type=submit]");
        await.until(d -> message.getText().contains("accessTokenTtl"));
        assertThat(message.getAttribute("class")).isEqualTo("error");

        typeInto("api-ttl", "PT5M");
        click("#api-form button[type=submit]");
        WebElement row = apiRow(identifier);
        assertThat(row.findElement(By.cssSelector(".scopes")).getText()).isEqualTo("orders:read orders:write");
        assertThat(row.findElement(By.cssSelector(".ttl")).getText()).isEqualTo("PT5M");
        assertThat(row.getText()).contains("Orders");
        assertThat(message.getAttribute("class")).isEqualTo("info");
        JsonNode registered = registeredApi(identifier);
        assertThat(registered.get("accessTokenTtl").asText()).isEqualTo("PT5M");
        assertThat(registered.get("name").asText()).isEqualTo("Orders");
        screenshot("22-apis");

        typeInto("api-identifier", identifier);
        click("#api-form button[type=submit]");
        await.until(d -> message.getText().contains("(409 conflict)"));
    }

    @Test
    void changingAnApisScopesAndLifetimeInItsDialog() {
        String identifier = "https://" + UUID.randomUUID() + ".stock.example.test/";
        JsonNode stock = createApi(identifier, "stock:read", "stock:write");
        signIn();
        click("#nav-apis");

        apiRow(identifier).findElement(By.cssSelector("button.edit")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-dialog")));
        assertThat(value("api-edit-scopes")).isEqualTo("stock:read stock:write");
        typeInto("api-edit-ttl", "soon");
        click("#api-edit-save");
        WebElement message = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
        assertThat(message.getText()).contains("accessTokenTtl").contains("(400 invalid_request)");

        apiRow(identifier).findElement(By.cssSelector("button.edit")).click();
        typeInto("api-edit-name", "Stock");
        typeInto("api-edit-scopes", "stock:read");
        typeInto("api-edit-ttl", "PT1M");
        screenshot("23-change-api");
        click("#api-edit-save");

        await.until(d -> apiRow(identifier).findElement(By.cssSelector(".ttl")).getText().equals("PT1M"));
        assertThat(apiRow(identifier).findElement(By.cssSelector(".scopes")).getText()).isEqualTo("stock:read");
        JsonNode changed = TestServer.json(server.admin("GET", "/admin/apis/" + stock.get("id").asText(), null));
        assertThat(changed.get("name").asText()).isEqualTo("Stock");
        assertThat(changed.get("accessTokenTtl").asText()).isEqualTo("PT1M");
        assertThat(changed.get("scopes")).hasSize(1);
    }

    @Test
    void deletingAnApiAsksFirstThenTakesItsGrantsWithIt() {
        String identifier = "https://" + UUID.randomUUID() + ".invoices.example.test/";
        JsonNode invoices = createApi(identifier, "invoices:read");
        TestServer.Credentials client = server.createClient("Grants-" + UUID.randomUUID());
        grant(client, invoices, "invoices:read");
        signIn();
        click("#nav-apis");

        apiRow(identifier).findElement(By.cssSelector("button.delete")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        assertThat(browser.findElement(By.id("confirm-text")).getText()).contains(identifier);
        click("#confirm-cancel");
        assertThat(registeredApi(identifier)).as("cancel keeps it").isNotNull();

        apiRow(identifier).findElement(By.cssSelector("button.delete")).click();
        screenshot("24-delete-api-confirm");
        click("#confirm-ok");

        await.until(d -> !browser.findElement(By.id("apis-body")).getText().contains(identifier));
        assertThat(registeredApi(identifier)).isNull();
        assertThat(grantsOf(client)).isEmpty();
    }

    @Test
    void grantingASubsetOfAnApisScopesOnAClientsPageThenWithdrawingIt() {
        String identifier = "https://" + UUID.randomUUID() + ".orders.example.test/";
        createApi(identifier, "orders:read", "orders:write");
        String partner = "Grant-" + UUID.randomUUID();
        TestServer.Credentials client = server.createClient(partner);
        signIn();
        search(partner);
        openClientPage(client.clientId());
        assertThat(browser.findElement(By.id("grants-body")).getText()).contains("No API granted");

        new Select(browser.findElement(By.id("grant-api"))).selectByVisibleText(identifier);
        WebElement write = await.until(d -> d.findElement(By.cssSelector("#grant-scopes input[value='orders:write']")));
        write.click(); // every scope is checked at first: take write away
        screenshot("25-grant-form");
        click("#grant-submit");

        WebElement granted = grantRow(identifier);
        assertThat(granted.findElement(By.cssSelector(".scopes")).getText()).isEqualTo("orders:read");
        screenshot("26-client-with-grant");
        assertThat(browser.findElement(By.cssSelector("#grant-scopes input[value='orders:write']")).isSelected())
                .as("the form shows the grant as it is").isFalse();
        // What the page shows is what the server does: the read scope for that API, not the write one.
        HttpResponse<String> token = tokenFor(client, identifier, "orders:read");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(TestServer.json(token).get("scope").asText()).isEqualTo("orders:read");
        assertThat(TestServer.json(tokenFor(client, identifier, "orders:write")).get("error").asText())
                .isEqualTo("invalid_scope");

        granted.findElement(By.cssSelector("button.withdraw")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        click("#confirm-ok");

        await.until(d -> d.findElement(By.id("grants-body")).getText().contains("No API granted"));
        assertThat(browser.findElement(By.id("message")).getText()).contains("Withdrew");
        assertThat(grantsOf(client)).isEmpty();
        assertThat(TestServer.json(tokenFor(client, identifier, "orders:read")).get("error").asText())
                .isEqualTo("invalid_target");
    }

    @Test
    void editingAClientsNameScopesAndLifetimeCapOnItsPage() {
        String partner = "Edit-" + UUID.randomUUID();
        TestServer.Credentials client = server.createClient(partner, "old:scope");
        signIn();
        search(partner);
        openClientPage(client.clientId());
        assertThat(value("client-scopes")).isEqualTo("old:scope");

        typeInto("client-ttl", "ten minutes");
        click("#client-save");
        WebElement message = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
        assertThat(message.getText()).contains("accessTokenTtl").contains("(400 invalid_request)");

        typeInto("client-name", "Renamed sync");
        typeInto("client-scopes", "orders:read invoices:read");
        typeInto("client-ttl", "PT2M");
        screenshot("27-edit-client");
        click("#client-save");

        await.until(d -> message.getText().startsWith("Saved"));
        JsonNode shown = TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId(), null));
        assertThat(shown.get("name").asText()).isEqualTo("Renamed sync");
        assertThat(shown.get("accessTokenTtl").asText()).isEqualTo("PT2M");
        JsonNode token = server.token(client);
        assertThat(token.get("expires_in").asLong()).isEqualTo(120);
        assertThat(token.get("scope").asText().split(" ")).containsExactlyInAnyOrder("orders:read", "invoices:read");

        typeInto("client-ttl", "");
        click("#client-save");
        await.until(d -> !TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId(), null))
                .has("accessTokenTtl"));
        assertThat(message.getText()).startsWith("Saved");
        screenshot("28-client-saved");
    }

    // --- audit log ----------------------------------------------------------------------------

    @Test
    void theAuditLogShowsCreateRotateAndDeleteOfAClient() {
        String partner = "Audit-" + UUID.randomUUID();
        signIn();
        typeInto("create-partner", partner);
        click("#create-form button[type=submit]");
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
        String clientId = value("secret-client");
        click("#secret-done");
        search(partner);
        row(clientId).findElement(By.cssSelector("button.rotate")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("rotate-dialog")));
        click("#rotate-confirm");
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
        click("#secret-done");
        row(clientId).findElement(By.cssSelector("button.delete")).click();
        typeInto("delete-confirm-id", clientId);
        click("#delete-confirm");
        await.until(d -> clientIdsShown().isEmpty());

        click("#nav-audit");
        typeInto("audit-client", clientId);
        click("#audit-form button[type=submit]");

        await.until(d -> auditActionsShown().size() == 3);
        assertThat(auditActionsShown()).containsExactly("client.deleted", "client.secret_rotated", "client.created");
        assertThat(browser.findElement(By.id("audit-body")).getText()).contains("apikey:configured");
        screenshot("13-audit-log");
    }

    @Test
    void theAuditLogPagesOnWithMore() {
        String partner = "Paging-" + UUID.randomUUID();
        for (int i = 0; i < 51; i++) {
            server.createClient(partner);
        }
        signIn();
        click("#nav-audit");
        new Select(browser.findElement(By.id("audit-action"))).selectByVisibleText("client.created");
        click("#audit-form button[type=submit]");

        await.until(d -> auditActionsShown().size() == 50);
        WebElement more = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("audit-more")));
        screenshot("14-audit-log-first-page");
        // More pages on with the filter shown, not with what the form says now.
        new Select(browser.findElement(By.id("audit-action"))).selectByVisibleText("client.deleted");
        more.click();

        await.until(d -> auditActionsShown().size() > 50);
        assertThat(auditActionsShown()).containsOnly("client.created");
        List<String> details = browser.findElements(By.cssSelector("#audit-body tr td:nth-child(6)")).stream()
                .map(WebElement::getText).toList();
        assertThat(details.stream().filter(d -> d.equals("partner " + partner))).hasSize(51);
    }

    // --- signing keys -------------------------------------------------------------------------

    @Test
    void rotatingSigningKeysShowsTheNewKeyThatNewTokensCarry() throws ParseException {
        TestServer.Credentials client = server.createClient("Keys-" + UUID.randomUUID());
        String kidBefore = kid(server.token(client));
        signIn();
        click("#nav-keys");
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("keys-rotate")));
        screenshot("15-signing-keys");

        click("#keys-rotate");
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("keys-dialog")));
        click("#keys-confirm");

        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("keys-new")));
        List<String> kidsShown = browser.findElements(By.cssSelector("#keys-body .kid")).stream()
                .map(WebElement::getText).toList();
        String kidAfter = kid(server.token(client));
        assertThat(kidAfter).isNotEqualTo(kidBefore);
        assertThat(kidsShown).contains(kidAfter).doesNotContain(kidBefore);
        await.until(d -> browser.findElement(By.id("rotations-body")).getText().contains(kidAfter));
        screenshot("16-signing-keys-rotated");
    }

    // --- webhooks -----------------------------------------------------------------------------

    @Test
    void aWebhookIsCreatedWithItsSecretShownOnceMarkedWhenItKeepsFailingAndDeleted() {
        String url = "http://127.0.0.1:9/hook-" + UUID.randomUUID(); // nothing listens there: every delivery fails
        signIn();
        click("#nav-webhooks");
        typeInto("webhook-url", url);
        click("#webhook-events input[value='client.created']");
        screenshot("17-webhooks-new");
        click("#webhook-form button[type=submit]");

        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhook-secret-dialog")));
        assertThat(value("webhook-secret-value")).startsWith("whsec_");
        String id = value("webhook-secret-id");
        screenshot("18-webhook-secret");
        click("#webhook-secret-done");
        assertThat(value("webhook-secret-value")).isEmpty();
        WebElement row = webhookRow(id);
        assertThat(row.getText()).contains(url, "client.created", "OK");
        assertThat(browser.findElement(By.id("webhooks-body")).getText()).doesNotContain("whsec_");

        server.createClient("Webhook-" + UUID.randomUUID());
        awaitAttempts(id, 1);
        server.clock().advance(Duration.ofSeconds(13)); // past the first retry (10 s + 20 %)
        awaitAttempts(id, 2);
        server.clock().advance(Duration.ofSeconds(50)); // past the second (40 s + 20 %)
        awaitAttempts(id, 3);
        click("#nav-webhooks");

        await.until(d -> webhookRow(id).getAttribute("class").contains("failing"));
        assertThat(webhookRow(id).getText()).contains("Failing since");
        assertThat(browser.findElement(By.id("webhooks-failing")).getText()).contains("failing");
        screenshot("19-webhook-failing");

        webhookRow(id).findElement(By.cssSelector("button.delete")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        click("#confirm-ok");
        await.until(d -> browser.findElements(By.cssSelector("#webhooks-body tr")).stream()
                .noneMatch(tr -> id.equals(tr.getAttribute("data-webhook-id"))));
        assertThat(server.admin("GET", "/admin/webhooks", null).body()).doesNotContain(id);
    }

    private static WebElement webhookRow(String id) {
        return await.until(d -> d.findElements(By.cssSelector("#webhooks-body tr")).stream()
                .filter(tr -> id.equals(tr.getAttribute("data-webhook-id"))).findFirst().orElse(null));
    }

    private static void awaitAttempts(String webhook, int attempts) {
        await.until(d -> {
            JsonNode deliveries = TestServer.json(server.admin("GET", "/admin/webhooks/" + webhook + "/deliveries",
                    null)).get("deliveries");
            return deliveries.size() > 0 && deliveries.get(0).get("attempts").asInt() >= attempts;
        });
    }

    // --- helpers ------------------------------------------------------------------------------

    // --- the overview -------------------------------------------------------------------------

    @Test
    void theOverviewChartsTheLastHourAndFlagsClientsThatDoNotCacheOrWhoseSecretExpires() {
        JavascriptExecutor page = (JavascriptExecutor) browser;
        // The page's CSP forbids inline style: any drawing that needed it would be reported here.
        page.executeScript("window.violations = [];"
                + "document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));");
        TestServer.Credentials busy = server.createClient("Busy-" + UUID.randomUUID());
        long needed = TestServer.json(server.admin("GET", "/admin/clients/" + busy.clientId() + "/usage", null))
                .get("tokensNeededPerHour").asLong();
        for (int i = 0; i < 2 * needed + 20; i++) {
            server.token(busy);
        }
        TestServer.Credentials wrong = new TestServer.Credentials(busy.clientId(), "not-the-secret");
        for (int i = 0; i < 2; i++) {
            assertThat(tokenStatus(wrong)).isEqualTo(401);
        }
        String expiringPartner = "Expiring-" + UUID.randomUUID();
        String expiring = createWithSecretTtl(expiringPartner, "P3D");
        String later = createWithSecretTtl("Later-" + UUID.randomUUID(), "P60D");

        signIn();
        await.until(d -> row(busy.clientId()).findElement(By.cssSelector(".flags")).getText().contains("not caching"));
        assertThat(row(expiring).findElement(By.cssSelector(".flags")).getText()).isEqualTo("secret expires soon");
        assertThat(row(later).findElement(By.cssSelector(".flags")).getText()).isEmpty();
        screenshot("29-clients-flagged");

        click("#nav-overview");
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-overview")));
        await.until(d -> !d.findElements(By.cssSelector("#chart-tokens rect.chart-bar")).isEmpty());
        assertThat(browser.findElement(By.id("nav-overview")).getAttribute("aria-current")).isEqualTo("page");
        List<WebElement> columns = browser.findElements(By.cssSelector("#chart-tokens rect.chart-bar"));
        assertThat(columns.get(columns.size() - 1).findElement(By.tagName("title")).getAttribute("textContent"))
                .endsWith(" tokens");
        assertThat(browser.findElement(By.id("chart-tokens-total")).getText()).contains("in the last hour on this instance");
        WebElement invalidClient = browser.findElement(By.cssSelector("#chart-errors rect[data-label=invalid_client]"));
        assertThat(invalidClient.findElement(By.tagName("title")).getAttribute("textContent")).startsWith("invalid_client: ");
        WebElement top = overviewRow("top-body", busy.clientId());
        assertThat(top.findElement(By.cssSelector(".caching")).getText()).isEqualTo("not caching");
        assertThat(Long.parseLong(top.findElement(By.cssSelector(".tokens")).getText())).isEqualTo(2 * needed + 20);
        assertThat(top.findElement(By.cssSelector(".needed")).getText()).isEqualTo(String.valueOf(needed));
        assertThat(overviewRow("not-caching-body", busy.clientId())).isNotNull();
        WebElement soon = overviewRow("expiring-body", expiring);
        assertThat(soon.findElement(By.cssSelector(".partner")).getText()).isEqualTo(expiringPartner);
        assertThat(soon.findElement(By.cssSelector(".status")).getText()).matches("in [23] days");
        assertThat(overviewClientIds("expiring-body")).doesNotContain(later);
        screenshot("30-overview");

        new Select(browser.findElement(By.id("overview-within"))).selectByVisibleText("90 days");
        await.until(d -> overviewClientIds("expiring-body").contains(later));
        assertThat(browser.findElement(By.id("expiring-within")).getText()).isEqualTo("P90D");
        screenshot("31-overview-secrets-within-90-days");

        top = overviewRow("top-body", busy.clientId());
        top.findElement(By.cssSelector("button.open")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-client")));
        await.until(ExpectedConditions.textToBe(By.id("client-id"), busy.clientId()));
        assertThat(browser.findElement(By.id("usage-caching")).getText()).startsWith("Not caching");
        assertThat(browser.findElement(By.id("usage-hour")).getText()).isEqualTo(String.valueOf(2 * needed + 20));
        assertThat(browser.findElement(By.id("usage-cap")).getText()).isEqualTo("none");
        screenshot("32-client-not-caching");
        assertThat(page.executeScript("return window.violations;")).asList().isEmpty();
    }

    private static String createWithSecretTtl(String partner, String secretTtl) {
        HttpResponse<String> created = server.admin("POST", "/admin/clients",
                "{\"partnerId\":\"" + partner + "\",\"secretTtl\":\"" + secretTtl + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("clientId").asText();
    }

    private static WebElement overviewRow(String tbody, String clientId) {
        return await.until(d -> d.findElements(By.cssSelector("#" + tbody + " tr")).stream()
                .filter(tr -> clientId.equals(tr.getAttribute("data-client-id"))).findFirst().orElse(null));
    }

    private static List<String> overviewClientIds(String tbody) {
        return browser.findElements(By.cssSelector("#" + tbody + " tr")).stream()
                .map(tr -> tr.getAttribute("data-client-id")).toList();
    }

    private static void openClientPage(String clientId) {
        row(clientId).findElement(By.cssSelector("button.open")).click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-client")));
        await.until(ExpectedConditions.textToBe(By.id("client-id"), clientId));
    }

    private static WebElement apiRow(String identifier) {
        return await.until(d -> d.findElements(By.cssSelector("#apis-body tr")).stream()
                .filter(tr -> !tr.findElements(By.cssSelector(".identifier")).isEmpty()
                        && tr.findElement(By.cssSelector(".identifier")).getText().equals(identifier))
                .findFirst().orElse(null));
    }

    private static WebElement grantRow(String identifier) {
        return await.until(d -> d.findElements(By.cssSelector("#grants-body tr")).stream()
                .filter(tr -> tr.getText().contains(identifier)).findFirst().orElse(null));
    }

    private static JsonNode createApi(String identifier, String... scopes) {
        HttpResponse<String> created = server.admin("POST", "/admin/apis",
                TestServer.write(Map.of("identifier", identifier, "scopes", List.of(scopes))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created);
    }

    private static void grant(TestServer.Credentials client, JsonNode api, String... scopes) {
        HttpResponse<String> granted = server.admin("PUT", "/admin/clients/" + client.clientId() + "/apis/"
                + api.get("id").asText(), TestServer.write(Map.of("scopes", List.of(scopes))));
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    }

    /** The API registered under {@code identifier}, or null. */
    private static JsonNode registeredApi(String identifier) {
        for (JsonNode api : TestServer.json(server.admin("GET", "/admin/apis", null)).get("apis")) {
            if (api.get("identifier").asText().equals(identifier)) {
                return api;
            }
        }
        return null;
    }

    private static List<JsonNode> grantsOf(TestServer.Credentials client) {
        List<JsonNode> grants = new ArrayList<>();
        TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId() + "/apis", null)).get("grants")
                .forEach(grants::add);
        return grants;
    }

    private static HttpResponse<String> tokenFor(TestServer.Credentials client, String resource, String scope) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials", "resource", resource,
                "scope", scope), "Authorization", client.basic());
    }

    /** A client assertion (RFC 7523 §3) by the server's clock, which the tests hold still. */
    private static String assertion(ECKey key, String clientId) throws JOSEException {
        Instant now = server.clock().instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId)
                .audience(server.issuer() + "/oauth2/token").issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(2)))).jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static void signIn() {
        signIn(TestServer.ADMIN_KEY);
    }

    private static void signIn(String key) {
        typeInto("sign-in-key", key);
        click("#sign-in-form button[type=submit]");
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-clients")));
        await.until(d -> !browser.findElements(By.cssSelector("#clients-body tr")).isEmpty());
        if (key.equals(TestServer.ADMIN_KEY)) {
            screenshot("03-clients-after-sign-in");
        }
    }

    private static void search(String partner) {
        typeInto("search-partner", partner);
        click("#search-form button[type=submit]");
        await.until(d -> {
            List<WebElement> partners = browser.findElements(By.cssSelector("#clients-body .partner"));
            return !partners.isEmpty() && partners.stream().allMatch(p -> p.getText().equals(partner));
        });
    }

    private static WebElement row(String clientId) {
        return await.until(d -> d.findElements(By.cssSelector("#clients-body tr")).stream()
                .filter(tr -> clientId.equals(tr.getAttribute("data-client-id"))).findFirst().orElse(null));
    }

    private static List<String> clientIdsShown() {
        return browser.findElements(By.cssSelector("#clients-body .client-id")).stream().map(WebElement::getText)
                .toList();
    }

    private static List<String> auditActionsShown() {
        return browser.findElements(By.cssSelector("#audit-body .action")).stream().map(WebElement::getText).toList();
    }

    private static void typeInto(String id, String text) {
        WebElement field = await.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        field.clear();
        field.sendKeys(text);
    }

    private static void click(String css) {
        await.until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    private static String value(String id) {
        return browser.findElement(By.id(id)).getDomProperty("value");
    }

    private static boolean visible(String id) {
        return browser.findElement(By.id(id)).isDisplayed();
    }

    private static boolean storedAnything() {
        Object stored = ((JavascriptExecutor) browser).executeScript(
                "return localStorage.length + sessionStorage.length + document.cookie.length;");
        return ((Number) stored).longValue() != 0;
    }

    private static int tokenStatus(TestServer.Credentials client) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic()).statusCode();
    }

    private static String kid(JsonNode token) throws ParseException {
        return SignedJWT.parse(token.get("access_token").asText()).getHeader().getKeyID();
    }

    private static void screenshot(String name) {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        try {
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            Files.delete(shot.toPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
