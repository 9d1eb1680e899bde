package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One partition of a recipe's target disk, as recipes write it: {@code {"mount": "/boot/efi",
 * "size": "512M", "fstype": "vfat"}}.
 *
 * @param mount where it is mounted ({@code /}, {@code /boot/efi}) or its Windows role ({@code C:},
 *     {@code MSR})
 * @param size a size such as {@code 512M} or {@code 20G}; {@code 0} takes the rest of the disk
 * @param fstype the filesystem to create, when the recipe names one
 */
record Partition(String mount, String size, Optional<String> fstype) {
  ObjectNode toJson() {
    ObjectNode json = ApiJson.object();
    json.put("mount", mount);
    json.put("size", size);
    fstype.ifPresent(type -> json.put("fstype", type));
    return json;
  }
}
