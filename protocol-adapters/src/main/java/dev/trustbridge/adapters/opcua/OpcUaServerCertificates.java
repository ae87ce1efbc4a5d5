package dev.trustbridge.adapters.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import dev.trustbridge.adapters.opcua.internal.Certificates;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.CertificateValidationUtil;

/**
 * What operators need to decide whether to trust a server: the application certificates its
 * endpoints present, read without opening a session, and the names they are compared by.
 */
public final class OpcUaServerCertificates {

  private OpcUaServerCertificates() {}

  /**
   * The distinct application certificates the server at {@code endpointUrl} presents in its
   * endpoint descriptions, in the order it lists them.
   *
   * @throws IOException if the server cannot be reached or answers garbage within {@code timeout}
   */
  public static List<X509Certificate> fetch(String endpointUrl, Duration timeout)
      throws IOException {
    List<EndpointDescription> endpoints;
    try {
      endpoints =
          DiscoveryClient.getEndpoints(
                  endpointUrl, transport -> transport.setConnectTimeout(uint(timeout.toMillis())))
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("endpoints of " + endpointUrl + " not readable: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IOException("endpoints of " + endpointUrl + " not read within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the endpoints of " + endpointUrl, e);
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (EndpointDescription endpoint : endpoints) {
      byte[] bytes = endpoint.getServerCertificate().bytesOrEmpty();
      if (bytes.length == 0) {
        continue;
      }
      try {
        X509Certificate certificate = CertificateUtil.decodeCertificates(bytes).get(0);
        if (!certificates.contains(certificate)) {
          certificates.add(certificate);
        }
      } catch (UaException e) {
        throw new IOException("server certificate of " + endpointUrl + " unreadable", e);
      }
    }
    return certificates;
  }

  /** SHA-256 over the certificate's DER encoding, lowercase hex: the thumbprint errors print. */
  public static String sha256(X509Certificate certificate) {
    return Certificates.sha256(certificate);
  }

  /** The ApplicationUri in the certificate's subject alternative names, if it has one. */
  public static Optional<String> applicationUri(X509Certificate certificate) {
    try {
      return Optional.ofNullable(CertificateValidationUtil.getSubjectAltNameUri(certificate));
    } catch (UaException e) {
      return Optional.empty();
    }
  }

  /** The certificates in a DER or PEM file. */
  public static List<X509Certificate> read(Path file) throws IOException, CertificateException {
    return Certificates.read(file);
  }
}
