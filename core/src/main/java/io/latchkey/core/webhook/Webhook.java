package io.latchkey.core.webhook;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A subscription: where events of the given types are delivered, signed with a secret that
 * exists only sealed in the store (never in this record).
 *
 * @param events        wire names of {@link WebhookEventType}s, or {@link WebhookEventType#ALL}
 * @param failingSince  when its deliveries began to fail repeatedly, null while they succeed
 */
public record Webhook(String id, URI url, List<String> events, Instant createdAt, Instant failingSince) {
    public Webhook {
        events = List.copyOf(events);
    }

    /** Whether an event of {@code type} (a wire name) is delivered to it. */
    public boolean subscribes(String type) {
        return events.contains(WebhookEventType.ALL) || events.contains(type);
    }

    public boolean failing() {
        return failingSince != null;
    }
}
