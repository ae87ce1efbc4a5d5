package dev.trustbridge.adapters.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpcUaApplicationIdentityTest {

  @TempDir Path state;
  @TempDir Path elsewhere;

  @Test
  void storedKey_isEncrypted_andOnlyTheSameDataKeyOpensIt() throws Exception {
    OpcUaApplicationIdentity identity =
        OpcUaApplicationIdentity.loadOrCreate(
            state, "plant-a", "gw-01", TestDataKeys.software(state));
    byte[] stored = Files.readAllBytes(state.resolve("opcua/application.p12"));
    byte[] modulus =
        ((RSAPublicKey) identity.certificate().getPublicKey()).getModulus().toByteArray();

    assertThat(new String(stored, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("TBAK1");
    // the certificate travels inside the encrypted PKCS#12: its public modulus is not in the file
    assertThat(Collections.indexOfSubList(toList(stored), toList(modulus))).isEqualTo(-1);
    assertThatThrownBy(
            () ->
                OpcUaApplicationIdentity.loadOrCreate(
                    state, "plant-a", "gw-01", TestDataKeys.software(elsewhere)))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("does not decrypt with the gateway's data key");
  }

  private static List<Byte> toList(byte[] bytes) {
    List<Byte> list = new ArrayList<>(bytes.length);
    for (byte b : bytes) {
      list.add(b);
    }
    return list;
  }

  @Test
  void firstUse_createsAnRsa2048CertificateForTheGatewayInAnOwnerOnlyFile() throws Exception {
    OpcUaApplicationIdentity identity =
        OpcUaApplicationIdentity.loadOrCreate(
            state, "plant-a", "gw-01", TestDataKeys.software(state));

    Path file = state.resolve("opcua/application.p12");
    assertThat(identity.applicationUri()).isEqualTo("urn:trustbridge:plant-a:gw-01");
    assertThat(OpcUaServerCertificates.applicationUri(identity.certificate()))
        .contains("urn:trustbridge:plant-a:gw-01");
    assertThat(((RSAPublicKey) identity.certificate().getPublicKey()).getModulus().bitLength())
        .isEqualTo(2048);
    assertThat(identity.certificate().getSubjectAlternativeNames())
        .anyMatch(name -> name.get(0).equals(2) && name.get(1).equals("localhost"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(Files.readAllBytes(state.resolve("opcua/application.der")))
        .isEqualTo(identity.certificate().getEncoded());
  }

  @Test
  void laterUse_loadsTheSameCertificate_anotherGatewayGetsANewOne() throws Exception {
    OpcUaApplicationIdentity first =
        OpcUaApplicationIdentity.loadOrCreate(
            state, "plant-a", "gw-01", TestDataKeys.software(state));

    OpcUaApplicationIdentity again =
        OpcUaApplicationIdentity.loadOrCreate(
            state, "plant-a", "gw-01", TestDataKeys.software(state));
    OpcUaApplicationIdentity renamed =
        OpcUaApplicationIdentity.loadOrCreate(
            state, "plant-a", "gw-02", TestDataKeys.software(state));

    assertThat(again.certificate()).isEqualTo(first.certificate());
    assertThat(again.keys().getPrivate()).isEqualTo(first.keys().getPrivate());
    assertThat(renamed.certificateSha256()).isNotEqualTo(first.certificateSha256());
    assertThat(renamed.applicationUri()).isEqualTo("urn:trustbridge:plant-a:gw-02");
  }
}
