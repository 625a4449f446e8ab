package io.latchkey.core.token;

/** What happened when a refresh token was presented for consumption. */
public enum ConsumeResult {
    /** This call consumed it: the refresh may proceed. */
    CONSUMED,
    /** It had been consumed before: reuse, which revokes the family. */
    ALREADY_USED,
    /** Its family was revoked (seen in the store, possibly by another instance). */
    FAMILY_REVOKED
}
