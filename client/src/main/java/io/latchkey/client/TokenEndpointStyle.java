package io.latchkey.client;

/** Which of Latchkey's token endpoints a {@link TokenSource} speaks to. */
public enum TokenEndpointStyle {
    /**
     * {@code POST /oauth2/token} (RFC 6749): form-encoded, the client authenticated with HTTP
     * Basic ({@code client_secret_basic}) for both grants; {@code expires_in} in seconds.
     */
    STANDARD,
    /**
     * {@code POST /pipeline/oauth2}, the integration model's endpoint: JSON bodies with
     * {@code username}/{@code password}; {@code expires_in} in milliseconds.
     */
    PIPELINE
}
