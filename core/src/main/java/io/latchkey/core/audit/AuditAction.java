package io.latchkey.core.audit;

import java.util.Locale;

/** What the audit log records. */
public enum AuditAction {
    CLIENT_CREATED,
    CLIENT_DELETED,
    CLIENT_SECRET_ROTATED,
    CLIENT_UPDATED,
    /** SPEC §10: a client's secret expires within the warning window (once per secret). */
    CLIENT_SECRET_EXPIRING,
    /** SPEC §10: a client authenticated from outside its {@code allowedSources}. */
    CLIENT_SOURCE_REFUSED,
    API_KEY_CREATED,
    API_KEY_DELETED,
    SIGNING_KEYS_ROTATED,
    REFRESH_TOKEN_REUSE_DETECTED,
    RATE_LIMIT_LOCKED,
    API_CREATED,
    API_UPDATED,
    API_DELETED,
    API_GRANTED,
    API_GRANT_REVOKED,
    WEBHOOK_CREATED,
    WEBHOOK_DELETED;

    /** The name in the API and the store: {@code client.created}, {@code refresh_token.reuse_detected}, … */
    public String wireName() {
        String lower = name().toLowerCase(Locale.ROOT);
        int split = switch (this) {
            case CLIENT_CREATED, CLIENT_DELETED, CLIENT_SECRET_ROTATED, CLIENT_UPDATED, CLIENT_SECRET_EXPIRING,
                 CLIENT_SOURCE_REFUSED -> "client".length();
            case API_KEY_CREATED, API_KEY_DELETED -> "api_key".length();
            case SIGNING_KEYS_ROTATED -> "signing_keys".length();
            case REFRESH_TOKEN_REUSE_DETECTED -> "refresh_token".length();
            case RATE_LIMIT_LOCKED -> "rate_limit".length();
            case API_CREATED, API_UPDATED, API_DELETED, API_GRANTED, API_GRANT_REVOKED -> "api".length();
            case WEBHOOK_CREATED, WEBHOOK_DELETED -> "webhook".length();
        };
        return lower.substring(0, split) + "." + lower.substring(split + 1);
    }

    public static AuditAction fromWireName(String name) {
        for (AuditAction action : values()) {
            if (action.wireName().equals(name)) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown audit action " + name);
    }
}
