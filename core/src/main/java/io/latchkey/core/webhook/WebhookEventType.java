package io.latchkey.core.webhook;

import java.util.Arrays;
import java.util.List;

/**
 * What a webhook can be told of (SPEC §10). Each is written to the outbox in the transaction of
 * the change it reports, so an event exists exactly when its change committed.
 */
public enum WebhookEventType {
    CLIENT_CREATED("client.created"),
    CLIENT_DELETED("client.deleted"),
    CLIENT_SECRET_ROTATED("client.secret_rotated"),
    CLIENT_SECRET_EXPIRING("client.secret_expiring"),
    APIKEY_CREATED("apikey.created"),
    APIKEY_DELETED("apikey.deleted"),
    KEYS_ROTATED("keys.rotated"),
    REFRESH_TOKEN_REUSE_DETECTED("refresh_token.reuse_detected"),
    CLIENT_LOCKED_OUT("client.locked_out");

    /** A subscription to every type, present and future. */
    public static final String ALL = "*";

    private final String wireName;

    WebhookEventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the API, the payload's {@code type} and the store: {@code client.created}, … */
    public String wireName() {
        return wireName;
    }

    /** Every wire name, in declaration order. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(WebhookEventType::wireName).toList();
    }

    /** Whether {@code name} is a type or {@link #ALL}. */
    public static boolean isSubscribable(String name) {
        return ALL.equals(name) || wireNames().contains(name);
    }
}
