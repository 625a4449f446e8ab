package io.latchkey.core.webhook;

import java.util.List;
import java.util.Optional;

/** The stored webhooks and their delivery logs. */
public interface WebhookStore {
    /** Stores {@code webhook} with its signing secret sealed under the master key. */
    void insert(Webhook webhook, String sealedSecret);

    /** Every webhook, oldest first. */
    List<Webhook> list();

    Optional<Webhook> find(String id);

    /** The sealed signing secret of webhook {@code id}, when it exists. */
    Optional<String> sealedSecret(String id);

    /** Deletes the webhook and its delivery log; whether it existed. */
    boolean delete(String id);

    /** Its deliveries newest first, those before {@code beforeSeq} when given; at most {@code limit}. */
    List<WebhookDelivery> deliveries(String webhookId, Long beforeSeq, int limit);
}
