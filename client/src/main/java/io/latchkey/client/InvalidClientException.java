package io.latchkey.client;

/**
 * The authorization server refused the client's credentials ({@code invalid_client}, RFC 6749
 * §5.2): the client id or secret is wrong, the secret was rotated and its grace period is over, or
 * the client was deleted. Retrying cannot help, so the token source never does: the fix is new
 * credentials from the operator.
 */
public final class InvalidClientException extends TokenSourceException {
    private static final long serialVersionUID = 1L;

    private final String clientId;

    public InvalidClientException(String clientId) {
        super("Latchkey refused the credentials of client '" + clientId + "' (invalid_client): the client id or "
                + "secret is wrong, the secret was rotated, or the client was deleted. Retrying will not help; "
                + "ask the operator for valid credentials.");
        this.clientId = clientId;
    }

    public String clientId() {
        return clientId;
    }
}
