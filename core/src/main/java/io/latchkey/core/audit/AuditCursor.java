package io.latchkey.core.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Where a page of the audit log ended: the time and id of its last event, opaque to callers. */
public record AuditCursor(Instant at, String id) {
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((at.toEpochMilli() + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a cursor, or throws {@link IllegalArgumentException} for anything not made by {@link #encode()}. */
    public static AuditCursor decode(String encoded) {
        String decoded = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 1 || colon == decoded.length() - 1) {
            throw new IllegalArgumentException("not a cursor");
        }
        return new AuditCursor(Instant.ofEpochMilli(Long.parseLong(decoded.substring(0, colon))),
                decoded.substring(colon + 1));
    }
}
