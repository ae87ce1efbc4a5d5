package dev.trustbridge.trust.envelope.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import dev.trustbridge.trust.envelope.ChainMode;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A session key in memory with its chain, and the two protected headers it signs under. The private
 * key never leaves this object.
 */
public final class SessionKey {

  private final long number;
  private final List<X509Certificate> chain;
  private final String kid;
  private final Instant renewAt;
  private static final int ES256_SIGNATURE_BYTES = 64;
  private final ECDSASigner signer;
  private final PrivateKey privateKey;
  private final JWSHeader embedded;
  private final JWSHeader published;

  /**
   * @param pair the key pair; its public key is the first certificate's
   * @param chain the session certificate, then the chain of its issuer
   * @param renewAt when a successor should be certified
   */
  public SessionKey(long number, KeyPair pair, List<X509Certificate> chain, Instant renewAt) {
    this.number = number;
    this.chain = List.copyOf(chain);
    this.renewAt = renewAt;
    Base64URL thumbprint = EnvelopeFormat.thumbprint(chain.get(0));
    this.kid = thumbprint.toString();
    this.privateKey = pair.getPrivate();
    try {
      this.signer = new ECDSASigner((ECPrivateKey) pair.getPrivate());
      signer.getJCAContext().setProvider(EnvelopeFormat.BC);
      List<Base64> x5c = new ArrayList<>();
      for (X509Certificate certificate : chain) {
        x5c.add(Base64.encode(certificate.getEncoded()));
      }
      JWSHeader.Builder base =
          new JWSHeader.Builder(JWSAlgorithm.ES256)
              .type(new JOSEObjectType(EnvelopeFormat.TYPE))
              .keyID(kid);
      // parsed back so that the header's base64url form is computed once, not per envelope
      this.embedded =
          JWSHeader.parse(
              new JWSHeader.Builder(base.build()).x509CertChain(x5c).build().toBase64URL());
      this.published =
          JWSHeader.parse(
              new JWSHeader.Builder(base.build())
                  .x509CertSHA256Thumbprint(thumbprint)
                  .build()
                  .toBase64URL());
    } catch (JOSEException | CertificateEncodingException | ParseException e) {
      throw new IllegalStateException("cannot prepare session key " + number, e);
    }
  }

  /** The session certificate. */
  X509Certificate certificate() {
    return chain.get(0);
  }

  List<X509Certificate> chain() {
    return chain;
  }

  /** The base64url SHA-256 thumbprint of the session certificate. */
  String kid() {
    return kid;
  }

  Instant notBefore() {
    return certificate().getNotBefore().toInstant();
  }

  Instant notAfter() {
    return certificate().getNotAfter().toInstant();
  }

  Instant renewAt() {
    return renewAt;
  }

  JWSHeader header(ChainMode mode) {
    return mode == ChainMode.EMBEDDED ? embedded : published;
  }

  /** The header of a statement of another {@code typ}, with the chain embedded. */
  JWSHeader statementHeader(String type) {
    return new JWSHeader.Builder(embedded).type(new JOSEObjectType(type)).build();
  }

  JWSSigner signer() {
    return signer;
  }

  /**
   * ES256 over a SHA-256 digest the caller computed (it is also the envelope's hash): the 64-byte R
   * || S signature of JWS.
   */
  byte[] signDigest(byte[] sha256) {
    try {
      Signature ecdsa = Signature.getInstance("NONEwithECDSA", EnvelopeFormat.BC);
      ecdsa.initSign(privateKey);
      ecdsa.update(sha256);
      return ECDSA.transcodeSignatureToConcat(ecdsa.sign(), ES256_SIGNATURE_BYTES);
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("session key " + number + " cannot sign", e);
    }
  }

  @Override
  public String toString() {
    return "SessionKey[" + number + ", kid=" + kid + ", notAfter=" + notAfter() + "]";
  }
}
