package io.latchkey.core.api;

import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import java.time.Instant;

/**
 * A client's access to one API, with a subset of the API's scopes. Tokens for the API issued
 * before {@code grantedAt} never count under this grant: a grant withdrawn and given again does
 * not bring back the tokens of the first.
 */
public record ApiGrant(ClientId clientId, String apiId, Scopes scopes, Instant grantedAt) {
}
