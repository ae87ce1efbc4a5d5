package dev.trustbridge.adapters.opcua;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A registered OPC UA server and the tags the gateway takes from it.
 *
 * @param id the registered device id
 * @param endpointUrl {@code opc.tcp://host:port[/path]}; the host is also the name the server's
 *     certificate must carry
 * @param securityPolicy the policy to use; empty: the strongest the server offers
 * @param securityMode the mode to use; empty: the strongest the server offers with that policy
 * @param user who the session is activated as
 * @param trust which server certificates are accepted
 * @param fingerprint what the registry expects of the server's identity
 * @param pollInterval how often polled tags are read, and how often BAD samples are emitted while
 *     the device is down
 * @param timeout the limit for connecting and for each request
 * @param whileDown whether the device's tags yield BAD samples or nothing while it is down
 * @param tags the tags, in the order their samples are published; names unique
 */
public record OpcUaDevice(
    String id,
    String endpointUrl,
    Optional<OpcUaSecurityPolicy> securityPolicy,
    Optional<OpcUaSecurityMode> securityMode,
    OpcUaUser user,
    OpcUaServerTrust trust,
    OpcUaFingerprint fingerprint,
    Duration pollInterval,
    Duration timeout,
    WhileDown whileDown,
    List<OpcUaTag> tags) {

  /** What a device's flow carries while the server cannot be reached. */
  public enum WhileDown {
    /** A BAD sample for every tag each poll interval. */
    BAD,
    /** No samples: the flow falls silent. */
    NONE
  }

  public OpcUaDevice {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(endpointUrl, "endpointUrl");
    Objects.requireNonNull(securityPolicy, "securityPolicy");
    Objects.requireNonNull(securityMode, "securityMode");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(whileDown, "whileDown");
    tags = List.copyOf(tags);
    URI uri;
    try {
      uri = URI.create(endpointUrl);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || !"opc.tcp".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "device " + id + ": '" + endpointUrl + "' is not opc.tcp://host:port");
    }
    if (securityPolicy.isPresent()
        && securityMode.isPresent()
        && (securityPolicy.get() == OpcUaSecurityPolicy.NONE)
            != (securityMode.get() == OpcUaSecurityMode.NONE)) {
      throw new IllegalArgumentException(
          "device " + id + ": security policy None goes with mode None and only with it");
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("device " + id + ": poll interval must be positive");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("device " + id + ": timeout must be positive");
    }
    if (tags.isEmpty()) {
      throw new IllegalArgumentException("device " + id + ": declares no tags");
    }
    Set<String> names = new HashSet<>();
    for (OpcUaTag tag : tags) {
      if (!names.add(tag.name())) {
        throw new IllegalArgumentException(
            "device " + id + ": tag " + tag.name() + " is declared twice");
      }
    }
  }

  /** Whether the configuration asks for no security at all. */
  public boolean isInsecure() {
    return securityPolicy.filter(p -> p == OpcUaSecurityPolicy.NONE).isPresent()
        || securityMode.filter(m -> m == OpcUaSecurityMode.NONE).isPresent();
  }

  /**
   * A builder with the defaults of {@code trustbridge.yaml}: strongest security, anonymous user, no
   * trusted server, no fingerprint, poll interval 1 s, timeout 5 s, BAD samples while down.
   */
  public static Builder builder(String id, String endpointUrl) {
    return new Builder(id, endpointUrl);
  }

  /** Collects a device's settings; {@link #build()} validates them. */
  public static final class Builder {
    private String id;
    private final String endpointUrl;
    private Optional<OpcUaSecurityPolicy> securityPolicy = Optional.empty();
    private Optional<OpcUaSecurityMode> securityMode = Optional.empty();
    private OpcUaUser user = OpcUaUser.anonymous();
    private OpcUaServerTrust trust = OpcUaServerTrust.none();
    private OpcUaFingerprint fingerprint = OpcUaFingerprint.none();
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration timeout = Duration.ofSeconds(5);
    private WhileDown whileDown = WhileDown.BAD;
    private List<OpcUaTag> tags = List.of();

    private Builder(String id, String endpointUrl) {
      this.id = id;
      this.endpointUrl = endpointUrl;
    }

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder security(OpcUaSecurityPolicy policy, OpcUaSecurityMode mode) {
      return securityPolicy(Optional.of(policy)).securityMode(Optional.of(mode));
    }

    public Builder securityPolicy(Optional<OpcUaSecurityPolicy> securityPolicy) {
      this.securityPolicy = securityPolicy;
      return this;
    }

    public Builder securityMode(Optional<OpcUaSecurityMode> securityMode) {
      this.securityMode = securityMode;
      return this;
    }

    public Builder user(OpcUaUser user) {
      this.user = user;
      return this;
    }

    public Builder trust(OpcUaServerTrust trust) {
      this.trust = trust;
      return this;
    }

    public Builder fingerprint(OpcUaFingerprint fingerprint) {
      this.fingerprint = fingerprint;
      return this;
    }

    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder whileDown(WhileDown whileDown) {
      this.whileDown = whileDown;
      return this;
    }

    public Builder tags(List<OpcUaTag> tags) {
      this.tags = tags;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the device and the field that is wrong
     */
    public OpcUaDevice build() {
      return new OpcUaDevice(
          id,
          endpointUrl,
          securityPolicy,
          securityMode,
          user,
          trust,
          fingerprint,
          pollInterval,
          timeout,
          whileDown,
          tags);
    }
  }
}
