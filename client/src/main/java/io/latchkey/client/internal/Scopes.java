package io.latchkey.client.internal;

import java.util.Set;

/** RFC 6749 §3.3: a scope claim is space-delimited. */
public final class Scopes {
    private Scopes() {
    }

    public static Set<String> parse(String spaceDelimited) {
        String trimmed = spaceDelimited.trim();
        return trimmed.isEmpty() ? Set.of() : Set.copyOf(java.util.Arrays.asList(trimmed.split(" +")));
    }
}
