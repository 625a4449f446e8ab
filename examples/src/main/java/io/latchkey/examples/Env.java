package io.latchkey.examples;

import java.util.Optional;

/** The examples' configuration: environment variables. */
final class Env {
    private Env() {
    }

    static String require(String name) {
        return optional(name).orElseThrow(() -> new IllegalArgumentException("set " + name));
    }

    static Optional<String> optional(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }
}
