package io.latchkey.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.audit.MemoryAuditLog;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.ratelimit.FailedAttemptLimiter;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.testing.SettableClock;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallerAuthenticationTest {
    private static final int BURST = 3;
    private static final String ATTACKER = "203.0.113.7";
    private static final String GOOD_SECRET = "the-right-secret";

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final MemoryAuditLog audit = new MemoryAuditLog();
    private final CallerAuthentication authentication = new CallerAuthentication(
            new FailedAttemptLimiter(clock, BURST, 6, 1_000), new Auditor(audit, new SecretGenerator(new SecureRandom()), clock),
            Runnable::run, List.of(new FixedSecret()));

    @Test
    void aCredentialIsCheckedByTheMethodForItsKind() {
        Caller caller = authentication.begin(secret("client-a", GOOD_SECRET), ATTACKER).caller();

        assertThat(caller).isEqualTo(new Caller.Service("client-a"));
    }

    @Test
    void aCredentialThatFailedTooOftenIsRefusedBeforeItIsTried() {
        for (int i = 0; i < BURST; i++) {
            fail(secret("client-a", "wrong"));
        }

        assertThatThrownBy(() -> authentication.begin(secret("client-a", GOOD_SECRET), ATTACKER))
                .isInstanceOfSatisfying(LatchkeyException.class,
                        e -> assertThat(e.error()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS));
        assertThat(authentication.begin(secret("client-a", GOOD_SECRET), "198.51.100.9").caller()).isNotNull();
    }

    @Test
    void aLockedAddressRefusesOnlyAttemptsThatFail() {
        for (int i = 0; i < BURST * 5; i++) {
            fail(secret("client-" + i, "wrong"));
        }

        assertThat(authentication.begin(secret("partner", GOOD_SECRET), ATTACKER).caller()).isNotNull();
        assertThat(fail(secret("another", "wrong")).error()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
    }

    @Test
    void theStartOfALockIsAuditedOnceWithABoundedActor() {
        for (int i = 0; i < BURST + 2; i++) {
            fail(secret("x".repeat(16_000), "wrong"));
        }

        assertThat(audit.all()).singleElement().satisfies(event -> {
            assertThat(event.action()).isEqualTo(AuditAction.RATE_LIMIT_LOCKED);
            assertThat(event.actor()).isEqualTo("client:malformed");
            assertThat(event.clientId()).isNull();
            assertThat(event.source()).isEqualTo(ATTACKER);
        });
    }

    @Test
    void aFailureThatIsNoAuthenticationIsAnsweredAsItIsAndNotCharged() {
        CallerAuthentication.Attempt attempt = authentication.begin(new Credential.None(), ATTACKER);
        LatchkeyException notAuth = LatchkeyException.invalidRequest("bad");

        for (int i = 0; i < BURST * 10; i++) {
            assertThat(attempt.failed(notAuth)).isSameAs(notAuth);
        }
        assertThat(authentication.begin(secret("partner", "wrong"), ATTACKER)).isNotNull();
    }

    private LatchkeyException fail(Credential credential) {
        CallerAuthentication.Attempt attempt;
        try {
            attempt = authentication.begin(credential, ATTACKER);
        } catch (LatchkeyException refusedBeforeTrying) {
            return refusedBeforeTrying;
        }
        try {
            attempt.caller();
            throw new AssertionError("a wrong secret authenticated");
        } catch (LatchkeyException e) {
            return attempt.failed(e);
        }
    }

    private static Credential.ClientSecret secret(String clientId, String secret) {
        return new Credential.ClientSecret(clientId, secret, "client_secret_basic");
    }

    /** A method with one right secret for every client id: enough to drive the step around it. */
    private static final class FixedSecret implements ClientAuthentication<Credential.ClientSecret> {
        @Override
        public Class<Credential.ClientSecret> checks() {
            return Credential.ClientSecret.class;
        }

        @Override
        public boolean inMemory(Credential.ClientSecret credential) {
            return true;
        }

        @Override
        public Caller authenticate(Credential.ClientSecret credential) {
            if (!GOOD_SECRET.equals(credential.secret())) {
                throw LatchkeyException.invalidClient();
            }
            return new Caller.Service(credential.clientId());
        }
    }
}
