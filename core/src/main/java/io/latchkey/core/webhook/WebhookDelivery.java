package io.latchkey.core.webhook;

import java.time.Instant;

/**
 * One event's delivery to one webhook, as its delivery log shows it.
 *
 * @param seq            its place in the webhook's order: deliveries are sent one at a time, in this order
 * @param status         {@link Status}
 * @param attempts       requests sent so far
 * @param lastStatusCode the HTTP status of the last answer, null when none came
 * @param lastError      why the last attempt failed, when it did (never a secret)
 * @param nextAttemptAt  when it is sent next, null once delivered or given up
 */
public record WebhookDelivery(long seq, String webhookId, String eventId, String type, Status status, int attempts,
                              Integer lastStatusCode, String lastError, Instant nextAttemptAt, Instant createdAt,
                              Instant updatedAt) {

    /** Where a delivery stands. */
    public enum Status {
        /** Not delivered yet, and not failed repeatedly. */
        PENDING,
        /** Failed {@link RetrySchedule#FAILING_AFTER} times or more; still retried. */
        FAILING,
        /** Answered with a 2xx. */
        DELIVERED,
        /** Retried for longer than the schedule gives it; given up. */
        FAILED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status of(String wireName) {
            return valueOf(wireName.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
