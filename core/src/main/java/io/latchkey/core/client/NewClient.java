package io.latchkey.core.client;

/** A client just created or re-keyed, with its plaintext secret, which is never shown again. */
public record NewClient(Client client, String secret) {
}
