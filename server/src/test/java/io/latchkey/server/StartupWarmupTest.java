package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteJDBCLoader;

class StartupWarmupTest {
    @Test
    void warmsUpOnADaemonThreadThatEnds() throws Exception {
        Thread warmup = StartupWarmup.begin();

        assertThat(warmup.isDaemon()).as("a daemon: the JVM's exit never waits for it").isTrue();
        warmup.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(warmup.isAlive()).isFalse();
        assertThat(SQLiteJDBCLoader.isNativeMode()).as("sqlite-jdbc's native library loaded").isTrue();
    }
}
