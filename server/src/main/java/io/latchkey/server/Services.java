package io.latchkey.server;

import io.latchkey.core.webhook.Webhooks;
import io.latchkey.core.api.ApiRegistry;
import io.latchkey.core.apikey.ApiKeys;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.auth.CallerAuthentication;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.dpop.DpopProofVerifier;
import io.latchkey.core.key.KeyService;
import io.latchkey.core.key.SigningKeyRotation;
import io.latchkey.core.ratelimit.FailedAttemptLimiter;
import io.latchkey.core.token.ClientCredentialsGrant;
import io.latchkey.core.token.RefreshTokenRotation;
import io.latchkey.core.token.RevocationList;
import io.latchkey.core.token.TokenIntrospection;
import io.latchkey.core.token.TokenRevocation;
import io.latchkey.core.token.TokenSettings;
import io.latchkey.core.usage.TokenUsage;
import java.time.Clock;

/** The domain operations the HTTP edge calls, wired once by {@link Wiring}. */
public record Services(
        Clock clock,
        TokenSettings tokenSettings,
        CallerAuthentication authentication,
        ClientRegistry clients,
        ApiKeys apiKeys,
        KeyService keys,
        SigningKeyRotation signingKeyRotation,
        ClientCredentialsGrant clientCredentials,
        RefreshTokenRotation refreshTokens,
        TokenIntrospection introspection,
        TokenRevocation revocation,
        RevocationList revocations,
        FailedAttemptLimiter failedAttempts,
        Auditor auditor,
        ApiRegistry apis,
        TokenUsage usage,
        DpopProofVerifier dpop,
        Webhooks webhooks) {
}
