package dev.trustbridge.adapters.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class MqttComponentDiscoveryTest {

  @Test
  void mqttScheme_withoutRegistration_resolvesToMqttComponent() throws Exception {
    try (DefaultCamelContext context = new DefaultCamelContext()) {
      assertThat(context.getComponent("mqtt")).isInstanceOf(MqttComponent.class);
    }
  }
}
