package io.latchkey.client.internal;

/** Where a verifier's keys come from: configured once, or fetched from the server and refetched. */
public interface KeySource {
    /**
     * The keys as last known, fetched first if they never were.
     *
     * @throws KeysUnavailableException when they never could be fetched
     */
    KeySet keys() throws KeysUnavailableException;

    /**
     * The keys after looking again for one {@code seen} lacks — if the source may look again now;
     * otherwise the keys as they are.
     */
    KeySet refetch(KeySet seen);

    /** Keys that never change. */
    static KeySource fixed(KeySet keys) {
        return new KeySource() {
            @Override
            public KeySet keys() {
                return keys;
            }

            @Override
            public KeySet refetch(KeySet seen) {
                return keys;
            }
        };
    }

    /** The keys could not be fetched. */
    final class KeysUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        public KeysUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
