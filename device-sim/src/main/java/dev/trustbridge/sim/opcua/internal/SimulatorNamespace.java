package dev.trustbridge.sim.opcua.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.AddressSpace.ReadContext;
import org.eclipse.milo.opcua.sdk.server.AttributeReader;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilters;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;

/**
 * The simulated address space inside one running server: a folder or variable node per scenario
 * node, with string node ids that are the node paths. Variable nodes read and write the {@link
 * AddressSpaceModel}, which outlives the server.
 *
 * <p>Monitored items are served by exception: each change of a variable's value is reported to its
 * monitored items right away (values change at most once per tick, which is the variables'
 * MinimumSamplingInterval), unless publishing is stalled.
 */
public final class SimulatorNamespace extends ManagedNamespaceWithLifecycle
    implements AddressSpaceModel.Listener {

  private final AddressSpaceModel model;
  private final Map<NodeId, Set<DataItem>> items = new ConcurrentHashMap<>();
  // serializes read-and-report, so that a monitored item never gets an older value after a newer
  private final Object sampling = new Object();

  public SimulatorNamespace(OpcUaServer server, AddressSpaceModel model) {
    super(server, model.config().namespaceUri());
    this.model = model;
    getLifecycleManager().addStartupTask(this::createNodes);
    getLifecycleManager().addStartupTask(() -> model.listen(this));
    getLifecycleManager().addShutdownTask(() -> model.unlisten(this));
  }

  private void createNodes() {
    for (NodeConfig node : model.config().nodes()) {
      UaNode created = create(node);
      created.addReference(
          new Reference(
              created.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
    }
  }

  private UaNode create(NodeConfig config) {
    NodeId nodeId = newNodeId(config.path());
    LocalizedText description = LocalizedText.english(config.description());
    if (config instanceof NodeConfig.Folder folderConfig) {
      UaFolderNode folder =
          new UaFolderNode(
              getNodeContext(),
              nodeId,
              newQualifiedName(config.name()),
              LocalizedText.english(config.name()));
      folder.setDescription(description);
      getNodeManager().addNode(folder);
      for (NodeConfig child : folderConfig.children()) {
        folder.addOrganizes(create(child));
      }
      return folder;
    }
    NodeConfig.Variable variableConfig = (NodeConfig.Variable) config;
    SimulatedVariable variable = model.variable(config.path());
    Set<AccessLevel> access =
        variableConfig.writable() ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY;
    UaVariableNode node =
        new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
            .setNodeId(nodeId)
            .setBrowseName(newQualifiedName(config.name()))
            .setDisplayName(LocalizedText.english(config.name()))
            .setDescription(description)
            .setDataType(variableConfig.type().dataType())
            .setTypeDefinition(NodeIds.BaseDataVariableType)
            .setValueRank(ValueRanks.Scalar)
            .setAccessLevel(access)
            .setUserAccessLevel(access)
            .setMinimumSamplingInterval((double) model.config().tick().toMillis())
            .setValue(variable.dataValue())
            .build();
    node.getFilterChain()
        .addLast(
            AttributeFilters.getSetValue(
                ctx -> variable.dataValue(), (ctx, value) -> model.written(variable, value)));
    getNodeManager().addNode(node);
    return node;
  }

  @Override
  public void changed(SimulatedVariable variable) {
    Set<DataItem> watching = items.get(newNodeId(variable.config().path()));
    if (watching != null) {
      watching.stream()
          .filter(item -> AttributeId.Value.isEqual(item.getReadValueId().getAttributeId()))
          .forEach(this::report);
    }
  }

  @Override
  public void resumed() {
    items.values().forEach(watching -> watching.forEach(this::report));
  }

  @Override
  public void onDataItemsCreated(List<DataItem> created) {
    for (DataItem item : created) {
      items
          .computeIfAbsent(item.getReadValueId().getNodeId(), id -> ConcurrentHashMap.newKeySet())
          .add(item);
      report(item);
    }
  }

  @Override
  public void onDataItemsModified(List<DataItem> modified) {
    // reported by exception: a new sampling interval or queue size changes nothing here
  }

  @Override
  public void onDataItemsDeleted(List<DataItem> deleted) {
    for (DataItem item : deleted) {
      Set<DataItem> watching = items.get(item.getReadValueId().getNodeId());
      if (watching != null) {
        watching.remove(item);
      }
    }
  }

  @Override
  public void onMonitoringModeChanged(List<MonitoredItem> changed) {
    for (MonitoredItem item : changed) {
      if (item instanceof DataItem dataItem) {
        report(dataItem);
      }
    }
  }

  /** Reads the item's attribute as the client would and hands it the value. */
  private void report(DataItem item) {
    if (model.isStalled() || !item.isSamplingEnabled()) {
      return;
    }
    ReadValueId read = item.getReadValueId();
    synchronized (sampling) {
      DataValue value =
          getNodeManager()
              .getNode(read.getNodeId())
              .map(
                  node ->
                      AttributeReader.readAttribute(
                          new ReadContext(getServer(), item.getSession()),
                          node,
                          read.getAttributeId(),
                          item.getTimestampsToReturn(),
                          read.getIndexRange(),
                          read.getDataEncoding()))
              .orElseGet(() -> new DataValue(StatusCodes.Bad_NodeIdUnknown));
      item.setValue(value);
    }
  }
}
