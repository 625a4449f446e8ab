package io.latchkey.core.client;

/**
 * A client just created or re-keyed, with its plaintext secret, which is never shown again; null
 * for a {@code private_key_jwt} or certificate client, which has none.
 *
 * @param keys        the public keys of a {@code private_key_jwt} client, else null
 * @param certificate how a client of a certificate (RFC 8705) is recognised, else null
 */
public record NewClient(Client client, String secret, ClientJwks keys, CertificateRegistration certificate) {
    public NewClient(Client client, String secret) {
        this(client, secret, null, null);
    }

    public NewClient(Client client, String secret, ClientJwks keys) {
        this(client, secret, keys, null);
    }
}
