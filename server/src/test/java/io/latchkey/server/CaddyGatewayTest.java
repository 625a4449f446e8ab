package io.latchkey.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * docs/gateways.md's Caddy configuration, run: a real Caddy on loopback ({@code forward_auth} to
 * {@code /oauth2/check}, {@code copy_headers} handing the {@code X-Latchkey-*} answers on), held to
 * {@link GatewayContract}.
 */
@RequiresProgram(value = {"caddy"}, install = "apt-get install caddy")
class CaddyGatewayTest extends GatewayContract {
    @Override
    Gateway start(Path home, int listen, int latchkeyPort, int upstreamPort) throws IOException {
        Path conf = home.resolve("Caddyfile");
        Files.writeString(conf, config(listen, latchkeyPort, upstreamPort));
        ProcessBuilder builder = new ProcessBuilder(SystemPrograms.path("caddy").toString(), "run",
                "--config", conf.toString(), "--adapter", "caddyfile")
                .redirectErrorStream(true).redirectOutput(home.resolve("caddy.log").toFile());
        // Caddy keeps its state under HOME and the XDG directories: the temporary one, not the user's.
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        env.put("XDG_DATA_HOME", home.resolve("data").toString());
        return new Gateway(builder.start(), home.resolve("caddy.log"));
    }

    /**
     * The snippet of docs/gateways.md with this test's ports, plain HTTP on loopback, and no admin
     * endpoint (its fixed port would clash where several tests run at once).
     */
    static String config(int listen, int latchkeyPort, int upstreamPort) {
        return """
                {
                    admin off
                    auto_https off
                }
                http://:%1$d {
                    bind 127.0.0.1
                    handle /orders/* {
                        forward_auth 127.0.0.1:%2$d {
                            uri /oauth2/check?aud=orders&scope=orders:read
                            copy_headers X-Latchkey-Client-Id X-Latchkey-Partner-Id X-Latchkey-Scope X-Latchkey-Subject
                        }
                        reverse_proxy 127.0.0.1:%3$d
                    }
                    handle /billing/* {
                        forward_auth 127.0.0.1:%2$d {
                            uri /oauth2/check?aud=billing
                        }
                        reverse_proxy 127.0.0.1:%3$d
                    }
                    handle /orders-admin/* {
                        forward_auth 127.0.0.1:%2$d {
                            uri /oauth2/check?aud=orders&scope=orders:read%%20orders:admin
                        }
                        reverse_proxy 127.0.0.1:%3$d
                    }
                }
                """.formatted(listen, latchkeyPort, upstreamPort);
    }
}
