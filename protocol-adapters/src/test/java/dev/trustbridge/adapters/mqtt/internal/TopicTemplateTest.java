package dev.trustbridge.adapters.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicTemplateTest {

  @Test
  void forPublish_allPlaceholders_resolvesPerDevice() {
    TopicTemplate template =
        TopicTemplate.forPublish("tb/v1/{site}/{gateway}/{device}/telemetry", "plant-a", "gw-1");

    assertThat(template.needsDevice()).isTrue();
    assertThat(template.resolve(Optional.of("press-1")))
        .isEqualTo("tb/v1/plant-a/gw-1/press-1/telemetry");
  }

  @Test
  void forPublish_withoutDevicePlaceholder_needsNoDevice() {
    TopicTemplate template = TopicTemplate.forPublish("tb/v1/{site}/{gateway}/$status", "s", "g");

    assertThat(template.needsDevice()).isFalse();
    assertThat(template.resolve(Optional.empty())).isEqualTo("tb/v1/s/g/$status");
  }

  @Test
  void resolve_noDevice_failsNamingTemplateAndHeader() {
    TopicTemplate template = TopicTemplate.forPublish("a/{device}", "s", "g");

    assertThatThrownBy(() -> template.resolve(Optional.empty()))
        .hasMessage(
            "topic 'a/{device}' needs {device}: set header TrustBridgeDeviceId or send a SampleBatch body");
  }

  @Test
  void resolve_deviceWithWildcard_fails() {
    TopicTemplate template = TopicTemplate.forPublish("a/{device}", "s", "g");

    assertThatThrownBy(() -> template.resolve(Optional.of("#")))
        .hasMessage("device id '#' cannot be a topic level: it contains '#'");
  }

  @Test
  void forPublish_unknownPlaceholder_failsListingKnownOnes() {
    assertThatThrownBy(() -> TopicTemplate.forPublish("a/{tenant}/b", "s", "g"))
        .hasMessage(
            "topic 'a/{tenant}/b' has unknown placeholder {tenant}; known: {site}, {gateway}, {device}");
  }

  @Test
  void forPublish_wildcard_fails() {
    assertThatThrownBy(() -> TopicTemplate.forPublish("a/+/b", "s", "g"))
        .hasMessageContaining("contains a wildcard");
  }

  @Test
  void forPublish_gatewayIdWithSlash_fails() {
    assertThatThrownBy(() -> TopicTemplate.forPublish("tb/{gateway}", "s", "g/x"))
        .hasMessage("gateway id 'g/x' cannot be a topic level: it contains '/'");
  }

  @Test
  void filter_wildcardsAndFixedIds_areKept() {
    assertThat(TopicTemplate.filter("tb/v1/{site}/{gateway}/+/cmd", "s", "g"))
        .isEqualTo("tb/v1/s/g/+/cmd");
    assertThat(TopicTemplate.filter("tb/v1/#", "s", "g")).isEqualTo("tb/v1/#");
  }

  @Test
  void filter_devicePlaceholder_fails() {
    assertThatThrownBy(() -> TopicTemplate.filter("tb/{device}/cmd", "s", "g"))
        .hasMessageContaining("contains {device}, which only a publish can resolve");
  }
}
