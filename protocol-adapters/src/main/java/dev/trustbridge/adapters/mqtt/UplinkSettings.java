package dev.trustbridge.adapters.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;

/**
 * How to reach one MQTT broker: the validated settings of one uplink, one MQTT connection that
 * every {@code mqtt:<id>} endpoint shares. Build with {@link #builder(String, String)}; invalid
 * values fail with a message that names the uplink and the field.
 *
 * <p>The client key is a handle, not key material: a {@link KeyManagerFactory} that presents the
 * gateway's identity (from the vault: a TPM or HSM through PKCS#11, or a software keystore in
 * development). Its description, such as the key's {@code pkcs11:} URI, names it in logs and errors
 * and must not carry a PIN. Settings compare key managers by identity.
 *
 * <p>Security guarantees of a TLS uplink: the broker's chain must verify against {@code
 * caCertificateFile} (or the JVM's trust store), its certificate must be valid now and name the
 * host of {@code serverUri}; with {@code pinnedPublicKeys}, its public key must in addition be one
 * of the pinned ones. A failed check stops the handshake.
 *
 * @param id the uplink's id, the path of {@code mqtt:<id>} URIs
 * @param serverUri {@code ssl://host:port} (TLS, default port 8883) or {@code tcp://host:port}
 *     (plaintext, default port 1883)
 * @param version the MQTT protocol version
 * @param clientId the MQTT client identifier; empty: {@code <gatewayId>-<id>}
 * @param keepAlive the MQTT keep-alive interval, 0 s to 65535 s
 * @param cleanStart whether the broker discards a previous session on connect (clean session in
 *     MQTT 3.1.1)
 * @param sessionExpiry how long the broker keeps the session after a disconnect (MQTT 5 only)
 * @param caCertificateFile PEM file with the CA certificate(s) that verify the broker; empty: the
 *     JVM's default trust store
 * @param pinnedPublicKeys SHA-256 digests of the SubjectPublicKeyInfo of accepted broker
 *     certificates, 64 lowercase hex digits each; empty: no pinning. Checked after the chain and
 *     the host name, never instead of them. Pin the current and the next broker key, so that a
 *     renewal does not cut the uplink. Compute one with {@code openssl x509 -in broker.pem -pubkey
 *     -noout | openssl pkey -pubin -outform der | sha256sum}
 * @param clientKeyManagers key managers that present the client certificate; empty: none
 * @param clientKeyDescription what the client key is, for logs and errors (e.g. its {@code pkcs11:}
 *     URI, without PIN); {@code (none)} without a client key
 * @param tlsProtocols the TLS versions offered, from {@code TLSv1.3} and {@code TLSv1.2}
 * @param reconnectInitialDelay the first delay before reconnecting; doubles per failed attempt
 * @param reconnectMaxDelay the longest delay between reconnect attempts
 * @param gatewayStatus whether this connection speaks for a gateway: it keeps the retained {@code
 *     $status} message and sets the last will; off for cloud-side clients such as verifiers
 */
public record UplinkSettings(
    String id,
    String serverUri,
    MqttVersion version,
    Optional<String> clientId,
    Duration keepAlive,
    boolean cleanStart,
    Duration sessionExpiry,
    Optional<Path> caCertificateFile,
    Set<String> pinnedPublicKeys,
    Optional<KeyManagerFactory> clientKeyManagers,
    String clientKeyDescription,
    List<String> tlsProtocols,
    Duration reconnectInitialDelay,
    Duration reconnectMaxDelay,
    boolean gatewayStatus) {

  /** The MQTT protocol version of an uplink. */
  public enum MqttVersion {
    MQTT_5,
    MQTT_3_1_1
  }

  /** The {@link #clientKeyDescription()} of settings without a client key. */
  public static final String NO_CLIENT_KEY = "(none)";

  /** The default first delay before reconnecting. */
  public static final Duration DEFAULT_RECONNECT_INITIAL_DELAY = Duration.ofSeconds(1);

  /** The default longest delay between reconnect attempts. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofMinutes(2);

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Pattern PIN = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern PIN_VALUE = Pattern.compile("pin-value", Pattern.CASE_INSENSITIVE);
  private static final Set<String> ALLOWED_TLS_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");
  private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFF_FFFFL;
  private static final int MAX_CLIENT_ID_LENGTH = 128;

  public UplinkSettings {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "uplink id '" + id + "' must match " + ID.pattern() + " (it is a URI path)");
    }
    String where = "uplink '" + id + "': ";
    require(serverUri != null, where + "serverUri is required");
    ServerAddress.parse(serverUri, where);
    require(version != null, where + "version is required");
    require(clientId != null, where + "clientId must be an Optional");
    clientId.ifPresent(
        value ->
            require(
                !value.isBlank() && value.length() <= MAX_CLIENT_ID_LENGTH,
                where + "clientId must be 1 to " + MAX_CLIENT_ID_LENGTH + " characters"));
    requireSeconds(keepAlive, 0, 65_535, where + "keepAlive");
    requireSeconds(sessionExpiry, 0, MAX_SESSION_EXPIRY_SECONDS, where + "sessionExpiry");
    require(
        version == MqttVersion.MQTT_5 || sessionExpiry.isZero(),
        where + "sessionExpiry needs MQTT 5; MQTT 3.1.1 keeps sessions only without cleanStart");
    require(caCertificateFile != null, where + "caCertificateFile must be an Optional");
    require(pinnedPublicKeys != null, where + "pinnedPublicKeys must be a set");
    for (String pin : pinnedPublicKeys) {
      require(
          pin != null && PIN.matcher(pin).matches(),
          where
              + "pinnedPublicKeys entry '"
              + pin
              + "' must be the SHA-256 of a SubjectPublicKeyInfo as 64 lowercase hex digits");
    }
    // sorted, so that logs and errors list the pins in a stable order
    pinnedPublicKeys = Collections.unmodifiableSortedSet(new TreeSet<>(pinnedPublicKeys));
    require(clientKeyManagers != null, where + "clientKeyManagers must be an Optional");
    require(
        clientKeyDescription != null && !clientKeyDescription.isBlank(),
        where + "clientKeyDescription is required");
    require(
        clientKeyManagers.isPresent() != clientKeyDescription.equals(NO_CLIENT_KEY),
        where
            + (clientKeyManagers.isPresent()
                ? "clientKeyDescription must name the client key"
                : "clientKeyDescription is set but clientKeyManagers is not"));
    // the description goes into logs, so it must not carry a token PIN (RFC 7512 pin-value)
    require(
        !PIN_VALUE.matcher(clientKeyDescription).find(),
        where + "clientKeyDescription must not contain a pin-value");
    require(tlsProtocols != null && !tlsProtocols.isEmpty(), where + "tlsProtocols is empty");
    tlsProtocols = List.copyOf(tlsProtocols);
    for (String protocol : tlsProtocols) {
      require(
          ALLOWED_TLS_PROTOCOLS.contains(protocol),
          where + "tlsProtocols allows TLSv1.3 and TLSv1.2 only, got '" + protocol + "'");
    }
    if (!serverUri.startsWith("ssl://")) {
      require(
          caCertificateFile.isEmpty() && pinnedPublicKeys.isEmpty() && clientKeyManagers.isEmpty(),
          where
              + "caCertificateFile, pinnedPublicKeys and clientKeyManagers need an ssl:// serverUri");
    }
    requirePositive(reconnectInitialDelay, where + "reconnectInitialDelay");
    requirePositive(reconnectMaxDelay, where + "reconnectMaxDelay");
    require(
        reconnectMaxDelay.compareTo(reconnectInitialDelay) >= 0,
        where + "reconnectMaxDelay must not be shorter than reconnectInitialDelay");
  }

  /** Starts settings for uplink {@code id} to {@code serverUri}, with defaults for the rest. */
  public static Builder builder(String id, String serverUri) {
    return new Builder(id, serverUri);
  }

  /**
   * These settings with the client key the uplink presents, e.g. the gateway's identity from its
   * vault once that is open.
   *
   * @param description where the key lives, e.g. its {@code pkcs11:} URI, for logs and errors
   */
  public UplinkSettings withClientKey(KeyManagerFactory managers, String description) {
    return new UplinkSettings(
        id,
        serverUri,
        version,
        clientId,
        keepAlive,
        cleanStart,
        sessionExpiry,
        caCertificateFile,
        pinnedPublicKeys,
        Optional.of(managers),
        description,
        tlsProtocols,
        reconnectInitialDelay,
        reconnectMaxDelay,
        gatewayStatus);
  }

  /** Whether the uplink uses TLS ({@code ssl://}). */
  public boolean tls() {
    return serverUri.startsWith("ssl://");
  }

  /** The broker's host name or IP address. */
  public String host() {
    return ServerAddress.parse(serverUri, "").host();
  }

  /** The broker's port. */
  public int port() {
    return ServerAddress.parse(serverUri, "").port();
  }

  @Override
  public String toString() {
    return "UplinkSettings[id="
        + id
        + ", serverUri="
        + serverUri
        + ", version="
        + version
        + ", clientId="
        + clientId.orElse("(derived)")
        + ", keepAlive="
        + keepAlive
        + ", cleanStart="
        + cleanStart
        + ", sessionExpiry="
        + sessionExpiry
        + ", caCertificateFile="
        + caCertificateFile.map(Path::toString).orElse("(JVM default)")
        + ", pinnedPublicKeys="
        + pinnedPublicKeys
        + ", clientKey="
        + clientKeyDescription
        + ", tlsProtocols="
        + tlsProtocols
        + ", reconnectInitialDelay="
        + reconnectInitialDelay
        + ", reconnectMaxDelay="
        + reconnectMaxDelay
        + ", gatewayStatus="
        + gatewayStatus
        + "]";
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  private static void requireSeconds(Duration value, long min, long max, String field) {
    require(value != null, field + " is required");
    require(
        !value.isNegative() && value.getSeconds() >= min && value.getSeconds() <= max,
        field + " must be " + min + " s to " + max + " s, got " + value);
  }

  private static void requirePositive(Duration value, String field) {
    require(value != null, field + " is required");
    require(!value.isNegative() && !value.isZero(), field + " must be positive, got " + value);
  }

  /** The host and port of a server URI. */
  record ServerAddress(String host, int port) {

    static ServerAddress parse(String serverUri, String where) {
      URI uri;
      try {
        uri = new URI(serverUri);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            where + "serverUri '" + serverUri + "' is not a URI: " + e.getMessage(), e);
      }
      String scheme = uri.getScheme();
      if (!"ssl".equals(scheme) && !"tcp".equals(scheme)) {
        throw new IllegalArgumentException(
            where + "serverUri '" + serverUri + "' must start with ssl:// (TLS) or tcp://");
      }
      String host = uri.getHost();
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException(where + "serverUri '" + serverUri + "' has no host");
      }
      boolean onlyHostAndPort =
          (uri.getRawPath() == null || uri.getRawPath().isEmpty())
              && uri.getRawQuery() == null
              && uri.getRawFragment() == null
              && uri.getRawUserInfo() == null;
      if (!onlyHostAndPort) {
        throw new IllegalArgumentException(
            where + "serverUri '" + serverUri + "' may hold only a host and a port");
      }
      int port = uri.getPort() >= 0 ? uri.getPort() : "ssl".equals(scheme) ? 8883 : 1883;
      // java.net.URI keeps the brackets of an IPv6 literal
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return new ServerAddress(bare, port);
    }
  }

  /** Builds {@link UplinkSettings}; every setter is optional except the id and server URI. */
  public static final class Builder {

    private final String id;
    private final String serverUri;
    private MqttVersion version = MqttVersion.MQTT_5;
    private Optional<String> clientId = Optional.empty();
    private Duration keepAlive = Duration.ofSeconds(60);
    private boolean cleanStart = true;
    private Duration sessionExpiry = Duration.ZERO;
    private Optional<Path> caCertificateFile = Optional.empty();
    private Set<String> pinnedPublicKeys = Set.of();
    private Optional<KeyManagerFactory> clientKeyManagers = Optional.empty();
    private String clientKeyDescription = NO_CLIENT_KEY;
    private List<String> tlsProtocols = List.of("TLSv1.3", "TLSv1.2");
    private Duration reconnectInitialDelay = DEFAULT_RECONNECT_INITIAL_DELAY;
    private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
    private boolean gatewayStatus = true;

    private Builder(String id, String serverUri) {
      this.id = id;
      this.serverUri = serverUri;
    }

    /** MQTT 5 (default) or 3.1.1. */
    public Builder version(MqttVersion version) {
      this.version = version;
      return this;
    }

    /** The MQTT client identifier; default {@code <gatewayId>-<uplinkId>}. */
    public Builder clientId(String clientId) {
      this.clientId = Optional.of(clientId);
      return this;
    }

    /** The keep-alive interval; default 60 s. */
    public Builder keepAlive(Duration keepAlive) {
      this.keepAlive = keepAlive;
      return this;
    }

    /** Whether to start each connection with a fresh session; default true. */
    public Builder cleanStart(boolean cleanStart) {
      this.cleanStart = cleanStart;
      return this;
    }

    /** How long the broker keeps the session after a disconnect (MQTT 5); default 0. */
    public Builder sessionExpiry(Duration sessionExpiry) {
      this.sessionExpiry = sessionExpiry;
      return this;
    }

    /** The PEM file with the CA certificate(s) that verify the broker. */
    public Builder caCertificateFile(Path file) {
      this.caCertificateFile = Optional.of(file);
      return this;
    }

    /**
     * Accept only broker certificates whose public key is one of these: SHA-256 digests of the
     * SubjectPublicKeyInfo, 64 lowercase hex digits each; default none. Replaces earlier pins.
     */
    public Builder pinnedPublicKeys(String... sha256Hex) {
      this.pinnedPublicKeys = new HashSet<>(Arrays.asList(sha256Hex));
      return this;
    }

    /**
     * The client key: key managers that present the gateway's certificate (e.g. an identity's
     * {@code keyManagerFactory()} from the vault), and what they are for logs and errors, such as
     * the key's {@code pkcs11:} URI without PIN.
     */
    public Builder clientKey(KeyManagerFactory managers, String description) {
      this.clientKeyManagers = Optional.of(Objects.requireNonNull(managers, "managers"));
      this.clientKeyDescription = description;
      return this;
    }

    /** The TLS versions to offer; default {@code TLSv1.3, TLSv1.2}. */
    public Builder tlsProtocols(String... protocols) {
      this.tlsProtocols = new ArrayList<>(Arrays.asList(protocols));
      return this;
    }

    /**
     * The reconnect backoff: first delay (default {@link #DEFAULT_RECONNECT_INITIAL_DELAY}) and
     * longest delay (default {@link #DEFAULT_RECONNECT_MAX_DELAY}).
     */
    public Builder reconnectDelay(Duration initial, Duration max) {
      this.reconnectInitialDelay = initial;
      this.reconnectMaxDelay = max;
      return this;
    }

    /**
     * Whether the connection keeps the gateway's retained {@code $status} and last will; default
     * true. Cloud-side clients that only consume turn it off.
     */
    public Builder gatewayStatus(boolean gatewayStatus) {
      this.gatewayStatus = gatewayStatus;
      return this;
    }

    /**
     * Validates and builds the settings.
     *
     * @throws IllegalArgumentException naming the uplink and field of the first invalid value
     */
    public UplinkSettings build() {
      return new UplinkSettings(
          id,
          serverUri,
          version,
          clientId,
          keepAlive,
          cleanStart,
          sessionExpiry,
          caCertificateFile,
          pinnedPublicKeys,
          clientKeyManagers,
          clientKeyDescription,
          tlsProtocols,
          reconnectInitialDelay,
          reconnectMaxDelay,
          gatewayStatus);
    }
  }
}
