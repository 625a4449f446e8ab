package io.latchkey.store.jdbc;

import io.latchkey.core.token.ConsumeResult;
import java.time.Instant;

/**
 * How a database records that a refresh token was used ({@link JdbcRevocationStore#consumeRefreshToken}):
 * {@link Database#refreshTokenConsumer()} gives one transaction each by default, and a database
 * that can group concurrent consumptions into one statement gives its own.
 */
public interface RefreshTokenConsumer {
    ConsumeResult consume(String jti, String familyId, String clientId, Instant expiresAt);
}
