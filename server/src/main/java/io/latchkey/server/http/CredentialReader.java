package io.latchkey.server.http;

import io.latchkey.core.auth.Credential;
import io.vertx.ext.web.RoutingContext;

/**
 * One way a request can carry a credential: HTTP Basic, body parameters, a header. Reading
 * checks nothing but the form; {@link io.latchkey.core.auth.CallerAuthentication} checks the
 * credential. A new client-authentication method adds a reader here and a method there.
 */
interface CredentialReader {
    /**
     * The credential the request carries this way, or null when it does not use this way.
     *
     * @throws io.latchkey.core.error.LatchkeyException when it uses this way but malformed
     */
    Credential read(RoutingContext ctx, RequestFields fields);

    /** The name RFC 8414 metadata gives this way ({@code client_secret_basic}, …), or null. */
    default String metadataName() {
        return null;
    }

    /** Every name RFC 8414 metadata gives this way: one reader may serve several methods. */
    default java.util.List<String> metadataNames() {
        return metadataName() == null ? java.util.List.of() : java.util.List.of(metadataName());
    }
}
