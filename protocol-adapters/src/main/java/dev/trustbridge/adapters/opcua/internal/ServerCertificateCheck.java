package dev.trustbridge.adapters.opcua.internal;

import dev.trustbridge.adapters.opcua.OpcUaDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.util.validation.CertificateValidationUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether one device's server certificate is trusted: it must chain to a configured
 * certificate or match a configured thumbprint, be within its validity period, name the server's
 * ApplicationUri and the host the gateway dialled. An unknown certificate is refused with its
 * subject, thumbprint and the command that trusts it; only in development mode is it trusted on
 * first use, with a WARN line for the audit trail. Milo calls it again for the secure channel and
 * the session, so a certificate swapped after discovery is refused too.
 */
public final class ServerCertificateCheck implements CertificateValidator {

  private static final Logger LOG = LoggerFactory.getLogger(ServerCertificateCheck.class);
  private static final Set<ValidationCheck> CHECKS =
      Set.of(ValidationCheck.VALIDITY, ValidationCheck.APPLICATION_URI, ValidationCheck.HOSTNAME);

  private final OpcUaDevice device;
  private final boolean development;
  private final String configDirectory;
  private final Set<String> trustedOnFirstUse = ConcurrentHashMap.newKeySet();

  public ServerCertificateCheck(OpcUaDevice device, boolean development, String configDirectory) {
    this.device = device;
    this.development = development;
    this.configDirectory = configDirectory;
  }

  @Override
  public void validateCertificateChain(
      List<X509Certificate> chain, String applicationUri, String[] validHostnames)
      throws UaException {
    if (chain.isEmpty()) {
      throw new UaException(
          StatusCodes.Bad_SecurityChecksFailed,
          "OPC UA server of device '" + device.id() + "' presents no certificate");
    }
    X509Certificate leaf = chain.get(0);
    String sha256 = Certificates.sha256(leaf);
    List<X509Certificate> trusted = trustedCertificates();
    if (device.trust().sha256Thumbprints().contains(sha256) || trustedOnFirstUse.contains(sha256)) {
      trusted.add(leaf);
    }
    PKIXCertPathBuilderResult path;
    try {
      path = CertificateValidationUtil.buildTrustedCertPath(chain, trusted, List.of());
    } catch (UaException e) {
      if (!development) {
        throw new UaException(StatusCodes.Bad_CertificateUntrusted, untrusted(leaf, sha256));
      }
      trustedOnFirstUse.add(sha256);
      LOG.warn(
          "opcua server certificate trusted on first use (development mode only) device={}"
              + " endpoint={} {}",
          device.id(),
          device.endpointUrl(),
          Certificates.describe(leaf));
      trusted.add(leaf);
      path = CertificateValidationUtil.buildTrustedCertPath(chain, trusted, List.of());
    }
    try {
      CertificateValidationUtil.validateTrustedCertPath(
          path.getCertPath(), path.getTrustAnchor(), List.of(), CHECKS, false);
    } catch (UaException e) {
      throw new UaException(
          e.getStatusCode(),
          "OPC UA server certificate of device '"
              + device.id()
              + "' is trusted but not valid now: "
              + e.getMessage()
              + " ("
              + Certificates.describe(leaf)
              + ")");
    }
    if (applicationUri != null) {
      try {
        CertificateValidationUtil.checkApplicationUri(leaf, applicationUri);
      } catch (UaException e) {
        throw new UaException(
            e.getStatusCode(),
            "OPC UA server of device '"
                + device.id()
                + "' calls itself "
                + applicationUri
                + " but its certificate does not name that ApplicationUri ("
                + Certificates.describe(leaf)
                + ")");
      }
    }
    if (validHostnames != null) {
      try {
        CertificateValidationUtil.checkHostnameOrIpAddress(leaf, validHostnames);
      } catch (UaException e) {
        throw new UaException(
            e.getStatusCode(),
            "OPC UA server certificate of device '"
                + device.id()
                + "' does not name the host "
                + String.join(",", validHostnames)
                + " the gateway connects to ("
                + Certificates.describe(leaf)
                + ")");
      }
    }
  }

  private List<X509Certificate> trustedCertificates() throws UaException {
    List<X509Certificate> trusted = new ArrayList<>(device.trust().certificates());
    if (device.trust().directory().isPresent()) {
      Path directory = device.trust().directory().get();
      try {
        trusted.addAll(Certificates.readDirectory(directory));
      } catch (IOException | CertificateException e) {
        throw new UaException(
            StatusCodes.Bad_ConfigurationError,
            "trust directory " + directory + " of device '" + device.id() + "' unreadable: " + e);
      }
    }
    return trusted;
  }

  private String untrusted(X509Certificate leaf, String sha256) {
    return "OPC UA server of device '"
        + device.id()
        + "' at "
        + device.endpointUrl()
        + " presents an untrusted certificate: subject='"
        + leaf.getSubjectX500Principal().getName()
        + "' sha256="
        + sha256
        + " valid "
        + leaf.getNotBefore().toInstant()
        + " to "
        + leaf.getNotAfter().toInstant()
        + ". Compare the thumbprint with the one the device shows, then trust it with: "
        + "trustbridge opcua trust --config "
        + configDirectory
        + " --device "
        + device.id()
        + " --thumbprint "
        + sha256;
  }
}
