package io.latchkey.core.client;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** An ordered set of scope tokens (RFC 6749 §3.3). */
public record Scopes(Set<String> values) {
    /** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
    private static final Pattern TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");
    private static final int MAX_SCOPES = 100;
    public static final Scopes NONE = new Scopes(Set.of());

    public Scopes {
        values = Collections.unmodifiableSet(new LinkedHashSet<>(values));
        if (values.size() > MAX_SCOPES) {
            throw LatchkeyException.invalidRequest("At most " + MAX_SCOPES + " scopes are allowed.");
        }
        for (String value : values) {
            if (value == null || !TOKEN.matcher(value).matches()) {
                throw LatchkeyException.invalidRequest(
                        "A scope must be 1 to 128 visible ASCII characters other than '\"' and '\\'.");
            }
        }
    }

    public static Scopes of(Collection<String> values) {
        return new Scopes(new LinkedHashSet<>(values));
    }

    /** Parses the space-delimited form of a {@code scope} parameter or claim. */
    public static Scopes parse(String spaceDelimited) {
        if (spaceDelimited == null || spaceDelimited.isBlank()) {
            return NONE;
        }
        List<String> tokens = new ArrayList<>();
        for (String token : spaceDelimited.split(" ")) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return of(tokens);
    }

    /**
     * The scope a grant asks for, checked against what it may have (RFC 6749 §3.3): no request
     * means everything allowed; anything beyond it is {@code invalid_scope}.
     */
    public Scopes narrow(String requested) {
        if (requested == null) {
            return this;
        }
        Scopes asked;
        try {
            asked = parse(requested);
        } catch (LatchkeyException e) {
            throw new LatchkeyException(ErrorCode.INVALID_SCOPE, e.getMessage());
        }
        if (!values.containsAll(asked.values)) {
            throw new LatchkeyException(ErrorCode.INVALID_SCOPE,
                    "The requested scope exceeds the scope granted to this client.");
        }
        return asked;
    }

    public List<String> asList() {
        return List.copyOf(values);
    }

    /** The space-delimited form, for a {@code scope} claim or response field. */
    public String spaceDelimited() {
        return String.join(" ", values);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }
}
