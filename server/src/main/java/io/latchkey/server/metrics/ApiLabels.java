package io.latchkey.server.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API identifiers that may appear as a metric's {@code api} label: the first {@code cap} ones
 * seen since start-up, shared by every endpoint and grant, so that a metric has at most
 * endpoints × grants × (cap + 2) series whatever the number of APIs registered.
 */
final class ApiLabels {
    private final int cap;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    ApiLabels(int cap) {
        this.cap = cap;
    }

    /** Whether {@code identifier} is, or now becomes, a label of its own. */
    boolean admit(String identifier) {
        if (admitted.contains(identifier)) {
            return true;
        }
        synchronized (this) {
            if (admitted.size() >= cap) {
                return admitted.contains(identifier);
            }
            admitted.add(identifier);
            return true;
        }
    }
}
