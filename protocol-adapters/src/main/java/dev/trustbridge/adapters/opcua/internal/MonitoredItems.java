package dev.trustbridge.adapters.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import dev.trustbridge.adapters.opcua.OpcUaDeadband;
import dev.trustbridge.adapters.opcua.OpcUaTag;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the monitored items of a device's subscribed tags in a subscription, a bounded number per
 * CreateMonitoredItems call, and names every tag whose item the server refused.
 */
final class MonitoredItems {

  // 1000 items make a request of about 60 KiB plus the node ids: far below the 2 MiB message
  // limit of Milo and of most servers even with long node ids, and quickly answered; Milo lowers
  // it further to the server's OperationLimits/MaxMonitoredItemsPerCall
  static final int MAX_PER_CALL = 1000;

  // a refused namespace index refuses every item; the count per status says the rest
  private static final int REFUSALS_LOGGED = 20;

  private static final Logger LOG = LoggerFactory.getLogger(MonitoredItems.class);

  private MonitoredItems() {}

  /**
   * Creates one data item per tag, each with the tag as its user object.
   *
   * @return the tags whose items were not created, in tag order; they deliver no values
   */
  static List<OpcUaTag> create(
      OpcUaSubscription subscription, String deviceId, List<OpcUaTag> tags) {
    subscription.setMaxMonitoredItemsPerCall(uint(MAX_PER_CALL));
    for (OpcUaTag tag : tags) {
      subscription.addMonitoredItem(item(tag));
    }
    Map<OpcUaTag, String> statuses = new HashMap<>();
    for (MonitoredItemServiceOperationResult result : subscription.createMonitoredItems()) {
      if (!result.isGood()) {
        // a failed call (e.g. a timeout) has no result per item; its service result says why
        StatusCode status = result.operationResult().orElse(result.serviceResult());
        statuses.put(
            (OpcUaTag) result.monitoredItem().getUserObject().orElseThrow(),
            DeviceConnection.statusName(status));
      }
    }
    List<OpcUaTag> refused = tags.stream().filter(statuses::containsKey).toList();
    Map<String, Integer> byStatus = new TreeMap<>();
    for (int i = 0; i < refused.size(); i++) {
      OpcUaTag tag = refused.get(i);
      String status = statuses.get(tag);
      byStatus.merge(status, 1, Integer::sum);
      if (i < REFUSALS_LOGGED) {
        LOG.warn(
            "opcua monitored item refused device={} tag={} nodeId={} status={}",
            deviceId,
            tag.name(),
            tag.nodeId(),
            status);
      }
    }
    if (!refused.isEmpty()) {
      LOG.warn(
          "opcua monitored items refused device={} refused={} of={} statuses={} notLogged={}",
          deviceId,
          refused.size(),
          tags.size(),
          byStatus,
          Math.max(0, refused.size() - REFUSALS_LOGGED));
    }
    return refused;
  }

  private static OpcUaMonitoredItem item(OpcUaTag tag) {
    OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(NodeId.parse(tag.nodeId()));
    item.setSamplingInterval((double) tag.samplingInterval().toMillis());
    item.setQueueSize(uint(tag.queueSize()));
    item.setDiscardOldest(true);
    if (tag.deadband().type() != OpcUaDeadband.Type.NONE) {
      DeadbandType type =
          tag.deadband().type() == OpcUaDeadband.Type.ABSOLUTE
              ? DeadbandType.Absolute
              : DeadbandType.Percent;
      item.setFilter(
          new DataChangeFilter(
              DataChangeTrigger.StatusValue, uint(type.getValue()), tag.deadband().value()));
    }
    item.setUserObject(tag);
    return item;
  }
}
