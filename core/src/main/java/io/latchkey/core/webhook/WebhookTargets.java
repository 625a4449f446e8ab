package io.latchkey.core.webhook;

import java.net.URI;

/**
 * Where a webhook may deliver to: the server's guard against request forgery (loopback, private
 * and link-local targets), asked when a webhook is created and again before every request.
 */
@FunctionalInterface
public interface WebhookTargets {
    /**
     * @throws io.latchkey.core.error.LatchkeyException {@code invalid_request} saying why {@code url}
     *         may not be delivered to
     */
    void check(URI url);
}
