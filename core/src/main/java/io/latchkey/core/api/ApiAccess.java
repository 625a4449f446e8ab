package io.latchkey.core.api;

import io.latchkey.core.client.Scopes;

/**
 * What a client may have of one API right now: the API, and the scopes of its grant that the API
 * still has (an API's scopes may have been narrowed since the grant).
 */
public record ApiAccess(Api api, Scopes scopes) {
}
