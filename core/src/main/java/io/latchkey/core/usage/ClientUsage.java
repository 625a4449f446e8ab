package io.latchkey.core.usage;

/**
 * The access tokens one client got in the last hour and the last day, on every instance (SPEC
 * §10 {@code GET /admin/clients/{id}/usage}), and its cap per hour (0: none).
 */
public record ClientUsage(long lastHour, long lastDay, long tokensPerHour) {
}
