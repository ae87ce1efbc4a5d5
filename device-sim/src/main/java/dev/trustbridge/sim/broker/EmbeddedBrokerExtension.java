package dev.trustbridge.sim.broker;

import dev.trustbridge.sim.pki.DevelopmentPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link EmbeddedBroker} (TLS listener plus a plain TCP listener) with a fresh {@link
 * DevelopmentPki} per test JVM, and injects both as test method, constructor or lifecycle
 * parameters. The broker lives until the test run ends.
 *
 * <p>A test that stops the shared broker should start it again; a test that receives it as a
 * parameter gets it running in any case.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedBrokerExtension.class)
 * class UplinkTest {
 *   @Test
 *   void publish_arrives(EmbeddedBroker broker, DevelopmentPki pki) { ... }
 * }
 * }</pre>
 */
public final class EmbeddedBrokerExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedBrokerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == EmbeddedBroker.class || type == DevelopmentPki.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    SharedBroker shared =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                SharedBroker.class, key -> SharedBroker.start(), SharedBroker.class);
    if (parameter.getParameter().getType() == DevelopmentPki.class) {
      return shared.pki();
    }
    shared.broker().start();
    return shared.broker();
  }

  /** The root store closes this at the end of the test run, as it closes every AutoCloseable. */
  private record SharedBroker(Path pkiDirectory, DevelopmentPki pki, EmbeddedBroker broker)
      implements AutoCloseable {

    static SharedBroker start() {
      try {
        Path pkiDirectory = Files.createTempDirectory("trustbridge-test-pki");
        DevelopmentPki pki = DevelopmentPki.openOrCreate(pkiDirectory);
        EmbeddedBroker broker = EmbeddedBroker.builder(pki).plainListener(0).build();
        broker.start();
        return new SharedBroker(pkiDirectory, pki, broker);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the test PKI directory", e);
      }
    }

    @Override
    public void close() {
      broker.close();
      EmbeddedBroker.deleteRecursively(pkiDirectory);
    }
  }
}
