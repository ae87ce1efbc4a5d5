package dev.trustbridge.adapters.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpcUaApplicationIdentityTest {

  @TempDir Path state;

  @Test
  void firstUse_createsAnRsa2048CertificateForTheGatewayInAnOwnerOnlyFile() throws Exception {
    OpcUaApplicationIdentity identity =
        OpcUaApplicationIdentity.loadOrCreate(state, "plant-a", "gw-01");

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
        OpcUaApplicationIdentity.loadOrCreate(state, "plant-a", "gw-01");

    OpcUaApplicationIdentity again =
        OpcUaApplicationIdentity.loadOrCreate(state, "plant-a", "gw-01");
    OpcUaApplicationIdentity renamed =
        OpcUaApplicationIdentity.loadOrCreate(state, "plant-a", "gw-02");

    assertThat(again.certificate()).isEqualTo(first.certificate());
    assertThat(again.keys().getPrivate()).isEqualTo(first.keys().getPrivate());
    assertThat(renamed.certificateSha256()).isNotEqualTo(first.certificateSha256());
    assertThat(renamed.applicationUri()).isEqualTo("urn:trustbridge:plant-a:gw-02");
  }
}
