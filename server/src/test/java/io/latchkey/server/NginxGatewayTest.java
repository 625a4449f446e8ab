package io.latchkey.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * docs/gateways.md's nginx configuration, run: a real nginx on loopback ({@code auth_request} to
 * {@code /oauth2/check}, {@code auth_request_set} handing the {@code X-Latchkey-*} answers on),
 * held to {@link GatewayContract}.
 */
@RequiresProgram(value = {"nginx"}, install = "apt-get install nginx")
class NginxGatewayTest extends GatewayContract {
    @Override
    Gateway start(Path prefix, int listen, int latchkeyPort, int upstreamPort) throws IOException {
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, config(prefix, listen, latchkeyPort, upstreamPort));
        Process nginx = new ProcessBuilder(SystemPrograms.path("nginx").toString(), "-p", prefix.toString(),
                "-c", conf.toString(), "-e", prefix.resolve("logs/error.log").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        return new Gateway(nginx, prefix.resolve("logs/error.log"));
    }

    @Override
    boolean passesTheForbiddenChallenge() {
        return false; // auth_request answers its own 403, without the check's WWW-Authenticate
    }

    /** What every check location of docs/gateways.md shares. */
    private static final String CHECK = """
                            proxy_pass_request_body off;
                            proxy_set_header Content-Length "";
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header X-Forwarded-Method $request_method;
                            proxy_set_header X-Forwarded-Uri $request_uri;
                            proxy_set_header X-Forwarded-Proto $scheme;
                            proxy_set_header X-Forwarded-Host $host;""";

    /** The snippet of docs/gateways.md, with this test's ports, prefix and no daemon. */
    static String config(Path prefix, int listen, int latchkeyPort, int upstreamPort) {
        return """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream latchkey { server 127.0.0.1:%3$d; keepalive 64; }
                    server {
                        listen 127.0.0.1:%2$d;
                        location /orders/ {
                            auth_request /_latchkey/orders;
                            auth_request_set $latchkey_client $upstream_http_x_latchkey_client_id;
                            auth_request_set $latchkey_partner $upstream_http_x_latchkey_partner_id;
                            auth_request_set $latchkey_scope $upstream_http_x_latchkey_scope;
                            auth_request_set $latchkey_subject $upstream_http_x_latchkey_subject;
                            proxy_set_header X-Latchkey-Client-Id $latchkey_client;
                            proxy_set_header X-Latchkey-Partner-Id $latchkey_partner;
                            proxy_set_header X-Latchkey-Scope $latchkey_scope;
                            proxy_set_header X-Latchkey-Subject $latchkey_subject;
                            proxy_pass http://127.0.0.1:%4$d;
                        }
                        location /billing/ {
                            auth_request /_latchkey/billing;
                            proxy_pass http://127.0.0.1:%4$d;
                        }
                        location /orders-admin/ {
                            auth_request /_latchkey/orders-admin;
                            proxy_pass http://127.0.0.1:%4$d;
                        }
                        location = /_latchkey/orders {
                            internal;
                            proxy_pass http://latchkey/oauth2/check?aud=orders&scope=orders:read;
%5$s
                        }
                        location = /_latchkey/billing {
                            internal;
                            proxy_pass http://latchkey/oauth2/check?aud=billing;
%5$s
                        }
                        location = /_latchkey/orders-admin {
                            internal;
                            proxy_pass http://latchkey/oauth2/check?aud=orders&scope=orders:read%%20orders:admin;
%5$s
                        }
                    }
                }
                """.formatted(prefix, listen, latchkeyPort, upstreamPort, CHECK);
    }
}
