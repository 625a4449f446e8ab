package io.latchkey.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** RFC 6749 §3.3: a scope claim is space-delimited. Split by hand: {@code String.split(" +")} compiles a regex per call. */
public final class Scopes {
    private Scopes() {
    }

    public static Set<String> parse(String spaceDelimited) {
        if (spaceDelimited.indexOf(' ') < 0) {
            return spaceDelimited.isEmpty() ? Set.of() : Set.of(spaceDelimited);
        }
        List<String> scopes = new ArrayList<>();
        int start = 0;
        int length = spaceDelimited.length();
        while (start < length) {
            int end = spaceDelimited.indexOf(' ', start);
            if (end < 0) {
                end = length;
            }
            if (end > start) {
                scopes.add(spaceDelimited.substring(start, end));
            }
            start = end + 1;
        }
        return Set.copyOf(scopes);
    }
}
