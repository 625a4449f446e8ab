package io.latchkey.core.key;

import java.time.Instant;
import java.util.List;

/** Durable storage of sealed key material. */
public interface KeyStore {
    List<StoredKey> list();

    /** Inserts the key unless one with its kid exists; whether it was inserted. */
    boolean insertIfAbsent(StoredKey key);

    /** Marks every current key of {@code purpose} other than {@code exceptKid} as retired at {@code at}. */
    void retireOthers(KeyPurpose purpose, String exceptKid, Instant at);

    /** Deletes keys retired before {@code before}: no token they signed can still be valid. */
    int deleteRetiredBefore(KeyPurpose purpose, Instant before);
}
