package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * A provisioning recipe: what to install on a server and how. The fields are those provisioning
 * controllers use for Linux and Windows installs; {@link RecipeParser} is the only way in, so an
 * instance is always valid.
 *
 * @param name the identifier, also the last segment of its URL
 * @param cloudInit the cloud-init configuration of a Linux recipe (a JSON object, kept as given)
 * @param unattendXml the {@code unattend.xml} of a Windows recipe
 */
record Recipe(
    String name,
    String taskTarget,
    String targetDisk,
    OciUrl ociUrl,
    List<Partition> partitions,
    Optional<ObjectNode> cloudInit,
    Optional<String> unattendXml) {
  Recipe {
    partitions = List.copyOf(partitions);
    cloudInit = cloudInit.map(ObjectNode::deepCopy);
  }

  /** The recipe as the API shows it, every field in snake_case. */
  ObjectNode toJson() {
    ObjectNode json = ApiJson.object();
    json.put("name", name);
    putFields(json);
    return json;
  }

  /** Adds every field but the name to {@code json}, as {@code task.json} embeds them. */
  void putFields(ObjectNode json) {
    json.put("task_target", taskTarget);
    json.put("target_disk", targetDisk);
    json.put("oci_url", ociUrl.text());
    ArrayNode list = json.putArray("partitions");
    partitions.forEach(partition -> list.add(partition.toJson()));
    cloudInit.ifPresent(config -> json.set("cloud_init", config.deepCopy()));
    unattendXml.ifPresent(xml -> json.put("unattend_xml", xml));
  }
}
