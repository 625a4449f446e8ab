package io.latchkey.core.secret;

import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A CSPRNG that gives each thread a DRBG of its own (NIST SP 800-90A Hash_DRBG with SHA-256,
 * 256-bit strength, each seeded by the JDK from the system's entropy source), so that the
 * threads minting ids never wait on one another.
 *
 * <p>Why: the JDK's default on Linux, {@code NativePRNG}, serves every thread under one lock and
 * reads {@code /dev/urandom} under it. With the 64 worker threads of a durable grant (each token
 * draws its id), JFR recorded about 500 waits of over 20 ms on that lock in ten seconds of the
 * {@code private_key_jwt} benchmark, and drawing took 8 % of the event loops' samples in the
 * plain client_credentials one.
 */
public final class PerThreadSecureRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    private final transient ThreadLocal<SecureRandom> perThread = ThreadLocal.withInitial(PerThreadSecureRandom::drbg);

    @Override
    public void nextBytes(byte[] bytes) {
        perThread.get().nextBytes(bytes);
    }

    @Override
    public byte[] generateSeed(int numBytes) {
        return perThread.get().generateSeed(numBytes);
    }

    /** Seeds are the DRBGs' own business: a caller's seed is mixed into this thread's only. */
    @Override
    public void setSeed(byte[] seed) {
        if (perThread != null) {
            perThread.get().setSeed(seed);
        }
    }

    @Override
    public void setSeed(long seed) {
        // Called by Random's constructor, before this class's fields exist; SecureRandom ignores
        // it as well (it reseeds from entropy, never from a long).
    }

    @Override
    public String getAlgorithm() {
        return "DRBG per thread";
    }

    @Override
    public String toString() {
        return "PerThreadSecureRandom[Hash_DRBG SHA-256 per thread]";
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG",
                    DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, null));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no DRBG SecureRandom (JDK 9 and later do)", e);
        }
    }
}
