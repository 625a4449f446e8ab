package io.latchkey.core.client;

/**
 * A client just created or re-keyed, with its plaintext secret, which is never shown again; null
 * for a {@code private_key_jwt} or certificate client, which has none.
 *
 * @param keys        the public keys of a {@code private_key_jwt} client (for one of a {@code
 *                    jwksUri}, those it served at registration), else null
 * @param certificate how a client of a certificate (RFC 8705) is recognised, else null
 * @param jwksUri     where a {@code private_key_jwt} client serves its keys, or null
 */
public record NewClient(Client client, String secret, ClientJwks keys, CertificateRegistration certificate,
                        JwksUri jwksUri) {
    public NewClient(Client client, String secret, ClientJwks keys, CertificateRegistration certificate) {
        this(client, secret, keys, certificate, null);
    }

    public NewClient(Client client, String secret) {
        this(client, secret, null, null, null);
    }

    public NewClient(Client client, String secret, ClientJwks keys) {
        this(client, secret, keys, null, null);
    }
}
