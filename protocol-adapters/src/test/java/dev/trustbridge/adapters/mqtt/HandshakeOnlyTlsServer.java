package dev.trustbridge.adapters.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on 127.0.0.1 that presents a given certificate and closes each connection after the
 * handshake: a stand-in for a broker with a bad certificate, which a client rejects during the
 * handshake before any MQTT is spoken. A second embedded broker would take seconds per test.
 */
final class HandshakeOnlyTlsServer implements AutoCloseable {

  private final SSLServerSocket socket;
  private final Thread acceptor;
  private final List<String> handshakeFailures = new CopyOnWriteArrayList<>();

  private HandshakeOnlyTlsServer(KeyManagerFactory keys) throws IOException {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the server's TLS context", e);
    }
    socket =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
    acceptor = new Thread(this::serve, "handshake-only-tls-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts serving on a free port with the certificate that {@code keys} present. */
  static HandshakeOnlyTlsServer start(KeyManagerFactory keys) {
    try {
      return new HandshakeOnlyTlsServer(keys);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the TLS test server", e);
    }
  }

  String serverUri() {
    return "ssl://127.0.0.1:" + socket.getLocalPort();
  }

  /** How each handshake ended on the server's side, e.g. the client's fatal alert. */
  List<String> handshakeFailures() {
    return List.copyOf(handshakeFailures);
  }

  @Override
  public void close() throws Exception {
    socket.close();
    acceptor.join(5_000);
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (SSLSocket connection = (SSLSocket) socket.accept()) {
        connection.setSoTimeout(5_000);
        connection.startHandshake();
        // a client that accepted the certificate would now send its MQTT CONNECT
        connection.getInputStream().read();
      } catch (SocketException e) {
        if (!socket.isClosed()) {
          handshakeFailures.add(e.toString());
        }
      } catch (IOException e) {
        handshakeFailures.add(e.toString());
      }
    }
  }
}
