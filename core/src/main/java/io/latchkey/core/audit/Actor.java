package io.latchkey.core.audit;

import io.latchkey.core.auth.Caller;

/**
 * Who did something and from where: what every audited domain operation is given, so that the
 * admin API, the pipeline endpoint and the offline CLI record the same events the same way.
 *
 * @param caller who authenticated
 * @param source the caller's address as the rate limiter sees it, or null (offline)
 */
public record Actor(Caller caller, String source) {
    /** An operator at the server's own terminal, with no server in between ({@code --offline}). */
    public static Actor offline(String osUser) {
        return new Actor(new Caller.Offline(osUser), null);
    }

    /** How the audit log names the actor. */
    public String name() {
        return caller.actor();
    }
}
