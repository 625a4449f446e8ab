package io.latchkey.server.http;

import io.latchkey.core.dpop.DpopNonces;
import io.latchkey.core.dpop.DpopProof;
import io.latchkey.core.dpop.DpopProofVerifier;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.token.Confirmation;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The edge's half of DPoP (RFC 9449) at the endpoints that issue tokens: the {@code DPoP} header,
 * read with one header lookup (a request without it pays nothing more), checked for this very
 * request — its method, and the endpoint's URL under the issuer, which is how a client behind or
 * in front of any proxy names it (as metadata's {@code token_endpoint} does).
 */
final class DpopProofs {
    static final String HEADER = "DPoP";
    static final String NONCE_HEADER = "DPoP-Nonce";

    private final DpopProofVerifier verifier;
    private final String url;

    /** @param path the endpoint's path, such as {@code /oauth2/token} */
    DpopProofs(DpopProofVerifier verifier, String issuer, String path) {
        this.verifier = verifier;
        this.url = issuer + path;
    }

    /**
     * What the tokens of this request are bound to: the key of its DPoP proof (RFC 9449 §5), or
     * null when it has none. With server nonces on, every answer to a request with a proof names
     * the nonce to use next (§8).
     *
     * @throws LatchkeyException {@code invalid_dpop_proof} for a bad proof or more than one
     *                           (§4.3 item 1), {@code use_dpop_nonce} for a missing or old nonce
     */
    Confirmation binding(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String proof = request.getHeader(HEADER);
        if (proof == null) {
            return null;
        }
        DpopNonces nonces = verifier.nonces();
        if (nonces != null) {
            ctx.response().putHeader(NONCE_HEADER, nonces.current());
        }
        if (request.headers().getAll(HEADER).size() > 1) {
            throw LatchkeyException.invalidDpopProof("Send one DPoP proof, not several.");
        }
        DpopProof checked = verifier.verify(proof, request.method().name(), url, null, true);
        return checked.binding();
    }
}
