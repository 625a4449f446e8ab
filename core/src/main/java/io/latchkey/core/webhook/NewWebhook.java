package io.latchkey.core.webhook;

/**
 * A webhook just created, with its signing secret ({@code whsec_…}): the only time the secret is
 * shown. {@link #toString()} leaves it out.
 */
public record NewWebhook(Webhook webhook, String secret) {
    @Override
    public String toString() {
        return "NewWebhook[" + webhook + "]";
    }
}
