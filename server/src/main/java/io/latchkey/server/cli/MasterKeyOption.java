package io.latchkey.server.cli;

import io.latchkey.server.config.ServerConfig;
import picocli.CommandLine.Option;

/** The key that unseals the store's key material: for the commands that read it, not for {@code migrate}. */
public final class MasterKeyOption {
    @Option(names = "--master-key", defaultValue = "${env:LATCHKEY_MASTER_KEY}",
            description = "Base64 256-bit key-encryption key (LATCHKEY_MASTER_KEY, default: a generated file in the data dir)")
    String masterKey;

    ServerConfig.Builder applyTo(ServerConfig.Builder builder) {
        return builder.masterKey(masterKey);
    }
}
