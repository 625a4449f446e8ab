package io.latchkey.core.audit;

import java.time.Instant;

/**
 * One entry of the audit log.
 *
 * @param actor    who did it: {@code apikey:<id>}, {@code client:<id>}, {@code system}, or {@code offline}
 *                 (an operator with access to the store, {@code latchkey apikey create --offline}); never a secret
 * @param source   the source address of the request, when there was one
 * @param clientId the client concerned, when one is
 * @param detail   a short free-form addition (a key id, a family id), never a secret
 */
public record AuditEvent(String id, Instant at, AuditAction action, String actor, String source, String clientId,
                         String detail) {
}
