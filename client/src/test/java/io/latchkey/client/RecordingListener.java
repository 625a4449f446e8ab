package io.latchkey.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what a {@link TokenSource} reported. */
final class RecordingListener implements TokenSourceListener {
    record Obtained(Grant grant, Instant expiresAt) {
    }

    final List<Obtained> obtained = new CopyOnWriteArrayList<>();
    final List<Duration> retryDelays = new CopyOnWriteArrayList<>();
    volatile int refreshRefusals;

    @Override
    public void tokenObtained(Grant grant, Instant expiresAt) {
        obtained.add(new Obtained(grant, expiresAt));
    }

    @Override
    public void refreshRefused() {
        refreshRefusals++;
    }

    @Override
    public void retrying(int attempt, Duration delay, String reason) {
        retryDelays.add(delay);
    }

    List<Grant> grants() {
        return obtained.stream().map(Obtained::grant).toList();
    }
}
