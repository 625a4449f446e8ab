package io.latchkey.server.outbound;

import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.webhook.WebhookTargets;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where webhooks may deliver (SPEC §10): every address a target's host resolves to must pass
 * {@link OutboundAddresses}, with loopback refused even when the URL names it, unless the
 * operator set {@code LATCHKEY_WEBHOOK_ALLOW_PRIVATE=true}. Asked when a webhook is created (a
 * clear 400) and again before every delivery, since the name's answer may have changed since.
 */
public final class WebhookAddresses implements WebhookTargets {
    private final boolean allowPrivate;

    public WebhookAddresses(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    @Override
    public void check(URI url) {
        if (allowPrivate) {
            return;
        }
        String host = url.getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw LatchkeyException.invalidRequest("The webhook url names a host that does not resolve.");
        }
        for (InetAddress address : addresses) {
            if (!OutboundAddresses.permitted(address, false)) {
                throw LatchkeyException.invalidRequest("The webhook url names a host with a loopback, private, "
                        + "link-local or reserved address, which is refused (LATCHKEY_WEBHOOK_ALLOW_PRIVATE=true "
                        + "permits it).");
            }
        }
    }
}
