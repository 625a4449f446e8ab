package bench.peers.sas;

import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Spring Authorization Server as Spring Boot configures it (its security filter chain, a generated
 * RSA signing key, in-memory authorizations), with one registered client whose secret is stored
 * by Spring Security's default password encoder (bcrypt) or as it is ({noop}), chosen by
 * {@code bench.secret-encoding}.
 */
@SpringBootApplication
public class BenchAuthorizationServer {

  public static void main(String[] args) {
    SpringApplication.run(BenchAuthorizationServer.class, args);
  }

  @Bean
  RegisteredClientRepository registeredClients(
      @Value("${bench.client-id}") String clientId,
      @Value("${bench.client-secret}") String secret,
      @Value("${bench.secret-encoding}") String encoding) {
    String stored = switch (encoding) {
      case "bcrypt" -> PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(secret); // {bcrypt}…
      case "noop" -> "{noop}" + secret;
      default -> throw new IllegalArgumentException("bench.secret-encoding must be bcrypt or noop, not " + encoding);
    };
    RegisteredClient client = RegisteredClient.withId(UUID.randomUUID().toString())
        .clientId(clientId)
        .clientSecret(stored)
        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
        // Registered, but Spring Authorization Server issues no refresh token for client_credentials.
        .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
        .build();
    return new InMemoryRegisteredClientRepository(client);
  }
}
