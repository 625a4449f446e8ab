package io.latchkey.server;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Work every {@code serve} start does later on the main thread, begun on a second core while
 * the main thread reads the arguments: loading sqlite-jdbc's native library, its configuration's
 * date formats, and the JDK's AES-GCM, HMAC and random-number providers (sealing a fresh store's
 * keys). Each is a one-time initialisation whose result the JVM or the library keeps, so the main
 * thread later finds it done, or waits for it to finish. On JDK 17 this took about 0.1 s off the
 * time to ready (docs/performance.md, start-up).
 *
 * <p>Only self-contained, thread-safe initialisations belong here: class initialisation in two
 * threads in different orders can deadlock, so nothing whose static initialisers reach into other
 * libraries' (Netty's, Vert.x's, Logback's) is touched. A failure is ignored: the main thread meets
 * it again where it can report it.
 */
final class StartupWarmup {
    private StartupWarmup() {
    }

    /**
     * Starts the warm-up on a daemon thread, which never delays the JVM's exit, and returns it.
     * Logging is set up first, here: sqlite-jdbc logs through SLF4J, and a thread that asks SLF4J
     * for a logger while another thread is setting it up gets a stand-in, not Logback's context.
     * Had the warm-up begun that set-up, {@code --log-format json} could have found no Logback
     * context to switch (1 start in 12 wrote text).
     */
    static Thread begin() {
        LoggerFactory.getILoggerFactory();
        Thread thread = new Thread(StartupWarmup::run, "latchkey-warmup");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void run() {
        try {
            SQLiteJDBCLoader.initialize();
            new SQLiteConfig();
        } catch (Exception | LinkageError e) {
            // Not loadable here: opening the store reports it (or the store is PostgreSQL).
        }
        try {
            Cipher.getInstance("AES/GCM/NoPadding");
            Mac.getInstance("HmacSHA256");
            new SecureRandom().nextInt();
        } catch (GeneralSecurityException e) {
            // Reported where the key service needs them.
        }
    }
}
