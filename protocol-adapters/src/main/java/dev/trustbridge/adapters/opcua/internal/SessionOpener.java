package dev.trustbridge.adapters.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import dev.trustbridge.adapters.opcua.OpcUaDevice;
import dev.trustbridge.adapters.opcua.OpcUaFingerprint;
import dev.trustbridge.adapters.opcua.OpcUaSecurityPolicy;
import dev.trustbridge.adapters.opcua.OpcUaUser;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

/**
 * Opens one session to one device: discovers its endpoints, picks one, checks the server's
 * certificate and the device fingerprint before any secret is sent, then connects with the
 * gateway's application certificate and the configured user.
 */
public final class SessionOpener {

  private final OpcUaDevice device;
  private final String applicationUri;
  private final KeyPair applicationKeys;
  private final X509Certificate applicationCertificate;
  private final ServerCertificateCheck check;
  private final boolean development;

  public SessionOpener(
      OpcUaDevice device,
      String applicationUri,
      KeyPair applicationKeys,
      X509Certificate applicationCertificate,
      ServerCertificateCheck check,
      boolean development) {
    this.device = device;
    this.applicationUri = applicationUri;
    this.applicationKeys = applicationKeys;
    this.applicationCertificate = applicationCertificate;
    this.check = check;
    this.development = development;
  }

  /** A connected client; the caller disconnects it. */
  public OpcUaClient open() throws ConnectFailure {
    long timeoutMillis = device.timeout().toMillis();
    List<EndpointDescription> endpoints;
    try {
      endpoints =
          DiscoveryClient.getEndpoints(
                  device.endpointUrl(),
                  transport -> transport.setConnectTimeout(uint(timeoutMillis)))
              .get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new ConnectFailure("endpoints of " + device.endpointUrl() + " not readable", cause(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectFailure("interrupted while connecting to " + device.endpointUrl(), e);
    }
    URI url = URI.create(device.endpointUrl());
    // talk to the address the registry names, not to whatever the server advertises
    EndpointDescription endpoint =
        EndpointUtil.updateUrl(
            EndpointChoice.select(endpoints, device, development), url.getHost(), url.getPort());
    List<X509Certificate> serverChain = serverChain(endpoint);
    if (EndpointChoice.policy(endpoint).orElseThrow() != OpcUaSecurityPolicy.NONE) {
      try {
        check.validateCertificateChain(
            serverChain, endpoint.getServer().getApplicationUri(), new String[] {url.getHost()});
      } catch (UaException e) {
        throw new ConnectFailure(e.getMessage(), false);
      }
    }
    checkFingerprint(endpoint.getServer().getApplicationUri(), serverChain);
    OpcUaClient client;
    try {
      OpcUaClientConfig config =
          OpcUaClientConfig.builder()
              .setEndpoint(endpoint)
              .setApplicationUri(applicationUri)
              .setApplicationName(LocalizedText.english("TrustBridge gateway"))
              .setProductUri("urn:trustbridge")
              .setKeyPair(applicationKeys)
              .setCertificate(applicationCertificate)
              .setCertificateChain(new X509Certificate[] {applicationCertificate})
              .setCertificateValidator(check)
              .setIdentityProvider(identityProvider())
              .setRequestTimeout(uint(timeoutMillis))
              // Milo 1.1.2 may hand two Publish responses that arrive together to its subscription
              // out of order, then republishes the "missing" one and delivers it twice; with one
              // Publish request in flight there is never a second response to overtake the first
              .setMaxPendingPublishRequests(uint(1))
              .setSessionName(() -> "trustbridge:" + device.id())
              .build();
      client =
          OpcUaClient.create(config, transport -> transport.setConnectTimeout(uint(timeoutMillis)));
    } catch (UaException e) {
      throw new ConnectFailure("client for " + device.endpointUrl() + " not created", e);
    }
    try {
      client.connectAsync().get(2 * timeoutMillis, TimeUnit.MILLISECONDS);
      return client;
    } catch (ExecutionException | TimeoutException e) {
      client.disconnectAsync();
      throw new ConnectFailure(
          "session with "
              + device.endpointUrl()
              + " ("
              + EndpointChoice.describe(endpoint)
              + ") not opened",
          cause(e));
    } catch (InterruptedException e) {
      client.disconnectAsync();
      Thread.currentThread().interrupt();
      throw new ConnectFailure("interrupted while connecting to " + device.endpointUrl(), e);
    }
  }

  /** The policy and mode of the endpoint a client is connected to, e.g. Basic256Sha256/Sign. */
  public static String describe(OpcUaClient client) {
    return EndpointChoice.describe(client.getConfig().getEndpoint());
  }

  private void checkFingerprint(String serverUri, List<X509Certificate> serverChain)
      throws ConnectFailure {
    OpcUaFingerprint expected = device.fingerprint();
    if (expected.applicationUri().isPresent()
        && !expected.applicationUri().get().equals(serverUri)) {
      throw new ConnectFailure(
          "device fingerprint mismatch: device '"
              + device.id()
              + "' is registered with ApplicationUri "
              + expected.applicationUri().get()
              + " but the server at "
              + device.endpointUrl()
              + " is "
              + serverUri
              + "; the device was swapped or is impersonated",
          true);
    }
    if (expected.certificateSha256().isPresent()) {
      Optional<String> actual = serverChain.stream().findFirst().map(Certificates::sha256);
      if (!actual.equals(expected.certificateSha256())) {
        throw new ConnectFailure(
            "device fingerprint mismatch: device '"
                + device.id()
                + "' is registered with certificate sha256="
                + expected.certificateSha256().get()
                + " but the server at "
                + device.endpointUrl()
                + " presents "
                + actual.map(sha -> "sha256=" + sha).orElse("no certificate")
                + "; the device was swapped or is impersonated",
            true);
      }
    }
  }

  private static List<X509Certificate> serverChain(EndpointDescription endpoint)
      throws ConnectFailure {
    byte[] bytes = endpoint.getServerCertificate().bytesOrEmpty();
    if (bytes.length == 0) {
      return List.of();
    }
    try {
      return CertificateUtil.decodeCertificates(bytes);
    } catch (UaException e) {
      throw new ConnectFailure(
          "server certificate of " + endpoint.getEndpointUrl() + " unreadable", e);
    }
  }

  private IdentityProvider identityProvider() {
    OpcUaUser user = device.user();
    if (user instanceof OpcUaUser.UsernamePassword password) {
      return new UsernameProvider(password.username(), password.password(), check);
    } else if (user instanceof OpcUaUser.Certificate certificate) {
      return new X509IdentityProvider(certificate.certificate(), certificate.privateKey());
    }
    return new AnonymousProvider();
  }

  private static Throwable cause(Exception e) {
    return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
  }
}
