package io.latchkey.core.webhook;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.util.Base64URL;
import io.latchkey.core.audit.Actor;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.key.KeySealer;
import io.latchkey.core.secret.SecretGenerator;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Webhooks (SPEC §10): created with a signing secret shown once, listed, deleted, and their
 * delivery logs read. The secret signs deliveries (Standard Webhooks: {@code whsec_} and the
 * base64 of 32 random bytes), so the server must be able to read it again: it is kept sealed under
 * the master key like the signing keys ({@link KeySealer}), never hashed, never logged.
 */
public final class Webhooks {
    public static final String SECRET_PREFIX = "whsec_";
    static final int SECRET_BYTES = 32;
    static final int MAX_URL_LENGTH = 2_000;
    public static final int MAX_PAGE = 500;

    private final WebhookStore store;
    private final KeySealer sealer;
    private final SecretGenerator generator;
    private final Clock clock;
    private final Auditor auditor;
    private final WebhookTargets targets;

    public Webhooks(WebhookStore store, KeySealer sealer, SecretGenerator generator, Clock clock, Auditor auditor,
                    WebhookTargets targets) {
        this.store = store;
        this.sealer = sealer;
        this.generator = generator;
        this.clock = clock;
        this.auditor = auditor;
        this.targets = targets;
    }

    /**
     * Subscribes {@code url} to {@code events}.
     *
     * @throws LatchkeyException {@code invalid_request} for a URL that is not absolute http(s), a
     *         target the server may not call, no events, or an unknown event type
     */
    public NewWebhook create(String url, List<String> events, Actor by) {
        URI target = parseUrl(url);
        List<String> types = subscribable(events);
        targets.check(target);
        byte[] key = new byte[SECRET_BYTES];
        generator.nextBytes(key);
        Webhook webhook = new Webhook("wh_" + generator.id(), target, types,
                clock.instant().truncatedTo(ChronoUnit.MILLIS), null);
        store.insert(webhook, sealer.seal(webhook.id(), new OctetSequenceKey.Builder(key).keyID(webhook.id()).build()));
        auditor.record(AuditAction.WEBHOOK_CREATED, by, null, "webhook " + webhook.id() + " " + String.join(" ", types));
        return new NewWebhook(webhook, SECRET_PREFIX + Base64.getEncoder().encodeToString(key));
    }

    public List<Webhook> list() {
        return store.list();
    }

    public Webhook find(String id) {
        return store.find(id).orElseThrow(() -> unknown());
    }

    public void delete(String id, Actor by) {
        if (!store.delete(id)) {
            throw unknown();
        }
        auditor.record(AuditAction.WEBHOOK_DELETED, by, null, "webhook " + id);
    }

    /** The delivery log of webhook {@code id}, newest first. */
    public List<WebhookDelivery> deliveries(String id, Long beforeSeq, int limit) {
        find(id);
        return store.deliveries(id, beforeSeq, limit);
    }

    /** The key that signs deliveries to webhook {@code id} (the bytes after {@code whsec_}), when it exists. */
    public Optional<byte[]> signingKey(String id) {
        return store.sealedSecret(id).map(sealed -> {
            JWK jwk = sealer.unseal(id, sealed);
            Base64URL bytes = ((OctetSequenceKey) jwk).getKeyValue();
            return bytes.decode();
        });
    }

    private static URI parseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw LatchkeyException.invalidRequest("The field 'url' is required: the http or https URL to deliver to.");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw LatchkeyException.invalidRequest("The field 'url' must be at most " + MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw LatchkeyException.invalidRequest("The field 'url' is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getHost().isEmpty()) {
            throw LatchkeyException.invalidRequest("The field 'url' must be an absolute http or https URL with a host.");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw LatchkeyException.invalidRequest("The field 'url' must have no user information and no fragment.");
        }
        return uri;
    }

    private static List<String> subscribable(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw LatchkeyException.invalidRequest("The field 'events' must list at least one event type, or \"*\".");
        }
        LinkedHashSet<String> types = new LinkedHashSet<>();
        for (String event : events) {
            if (event == null || !WebhookEventType.isSubscribable(event)) {
                throw LatchkeyException.invalidRequest("Unknown event type; use \"*\" or any of "
                        + WebhookEventType.wireNames() + ".");
            }
            types.add(event);
        }
        return new ArrayList<>(types);
    }

    private static LatchkeyException unknown() {
        return LatchkeyException.notFound("No webhook with that id.");
    }
}
