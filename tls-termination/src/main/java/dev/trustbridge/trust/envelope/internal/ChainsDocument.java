package dev.trustbridge.trust.envelope.internal;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code $certs} document: a JWK Set with one EC key per session certificate, each with {@code
 * kid} = {@code x5t#S256} = the certificate's thumbprint and {@code x5c} = its chain.
 */
final class ChainsDocument {

  private ChainsDocument() {}

  static byte[] write(List<SessionKey> keys) {
    List<JWK> jwks = new ArrayList<>(keys.size());
    for (SessionKey key : keys) {
      X509Certificate certificate = key.certificate();
      List<Base64> x5c = new ArrayList<>(key.chain().size());
      try {
        for (X509Certificate link : key.chain()) {
          x5c.add(Base64.encode(link.getEncoded()));
        }
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("cannot encode the chain of " + key, e);
      }
      jwks.add(
          new ECKey.Builder(Curve.P_256, (ECPublicKey) certificate.getPublicKey())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.ES256)
              .keyID(key.kid())
              .x509CertSHA256Thumbprint(new Base64URL(key.kid()))
              .x509CertChain(x5c)
              .build());
    }
    return new JWKSet(jwks).toString(true).getBytes(StandardCharsets.UTF_8);
  }

  /** The chains of a document by {@code kid}. */
  static Map<String, List<Base64>> read(byte[] document) throws EnvelopeException {
    JWKSet set;
    try {
      set = JWKSet.parse(new String(document, StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new EnvelopeException(
          Reason.CHAINS_DOCUMENT, "not a JWK Set of session key chains: " + e.getMessage(), e);
    }
    Map<String, List<Base64>> chains = new LinkedHashMap<>();
    for (JWK key : set.getKeys()) {
      List<Base64> x5c = key.getX509CertChain();
      if (x5c == null || x5c.isEmpty()) {
        throw new EnvelopeException(
            Reason.CHAINS_DOCUMENT, "key " + key.getKeyID() + " has no x5c chain");
      }
      String thumbprint = Base64URL.encode(EnvelopeFormat.sha256(x5c.get(0).decode())).toString();
      if (!thumbprint.equals(key.getKeyID())) {
        throw new EnvelopeException(
            Reason.CHAINS_DOCUMENT,
            "kid " + key.getKeyID() + " is not the thumbprint of its x5c[0], " + thumbprint);
      }
      chains.put(thumbprint, List.copyOf(x5c));
    }
    return chains;
  }
}
