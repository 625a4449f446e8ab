package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.WebhookReceiver.Received;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10 on several instances sharing PostgreSQL: each event is delivered by one of them, once
 * (a duplicate only ever on a retry, under the same {@code webhook-id}), whichever instance made
 * the change, and another instance carries on when the dispatching one stops.
 */
@Tag("multi-instance")
class WebhookMultiInstanceTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    private TestServer a;
    private TestServer b;
    private final WebhookReceiver receiver = new WebhookReceiver();

    @BeforeEach
    void startTwoInstancesOnOneDatabase() {
        String url = PostgresForTests.newDatabase();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        a = TestServer.start(config -> config.dbUrl(url).dbUser("postgres").masterKey(masterKey)
                .issuer("https://auth.example.test").webhookAllowPrivate(true));
        b = TestServer.start(config -> config.dbUrl(url).dbUser("postgres").masterKey(masterKey)
                .issuer("https://auth.example.test").webhookAllowPrivate(true));
        running.addAll(List.of(a, b));
    }

    private final List<TestServer> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(TestServer::close);
        receiver.close();
    }

    @Test
    void eachEventIsDeliveredOnceWhicheverInstanceMadeTheChange() {
        assertThat(a.admin("POST", "/admin/webhooks", "{\"url\":\"" + receiver.url("/") + "\",\"events\":[\"*\"]}")
                .statusCode()).isEqualTo(201);
        List<String> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add((i % 2 == 0 ? a : b).createClient("acme").clientId());
        }

        List<Received> received = receiver.awaitReceived(BOUND, all -> all.size() >= clients.size());

        // What a failing receiver would add is not there: every request answered 200 was the only one for its event.
        assertThat(received).hasSize(clients.size());
        assertThat(received.stream().map(Received::id).distinct()).hasSize(clients.size());
        assertThat(received.stream().map(Received::body).collect(Collectors.joining()))
                .contains(clients.toArray(String[]::new));
    }

    @Test
    void whenTheDispatchingInstanceStopsTheOtherDeliversWhatIsLeftAndWhatComesNext() {
        receiver.answer(503);
        a.admin("POST", "/admin/webhooks", "{\"url\":\"" + receiver.url("/") + "\",\"events\":[\"client.created\"]}");
        String first = a.createClient("acme").clientId();
        receiver.awaitReceived(BOUND, all -> !all.isEmpty());
        TestServer dispatching = a.server().dispatchesWebhooks() ? a : b;
        TestServer other = dispatching == a ? b : a;
        assertThat(other.server().dispatchesWebhooks()).isFalse();

        running.remove(dispatching);
        dispatching.close(); // hands the lease back
        receiver.answer(200);
        other.clock().advance(Duration.ofMinutes(1)); // past the first retry's wait
        String second = other.createClient("acme").clientId();

        List<Received> received = receiver.awaitReceived(BOUND, all -> all.stream().anyMatch(r -> r.body().contains(second)));
        Map<String, List<Received>> byId = received.stream().collect(Collectors.groupingBy(Received::id));
        assertThat(byId).hasSize(2);
        Function<String, List<Received>> deliveriesOf = client -> received.stream()
                .filter(r -> r.body().contains(client)).toList();
        assertThat(deliveriesOf.apply(first).stream().map(Received::id).distinct()).hasSize(1);
        assertThat(deliveriesOf.apply(first).size()).isGreaterThanOrEqualTo(2); // the failed one, then the retry
        assertThat(deliveriesOf.apply(second)).hasSize(1);
        assertThat(other.server().dispatchesWebhooks()).isTrue();
    }
}
