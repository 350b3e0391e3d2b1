package widen.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The deployment files under deploy/ as the deploy tests read them: YAML trees, compose services. */
final class DeployFiles {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Path DEPLOY = ROOT.resolve("deploy");
  static final Path COMPOSE = DEPLOY.resolve("docker/docker-compose.yml");

  private DeployFiles() {}

  /** Every document of a YAML (or JSON) file, empty ones left out. */
  static List<Object> loadAll(Path file) throws IOException {
    List<Object> docs = new ArrayList<>();
    for (Object d : new Yaml(new SafeConstructor(new LoaderOptions()))
        .loadAll(Files.readString(file))) {
      if (d != null) {
        docs.add(d);
      }
    }
    return docs;
  }

  /** The compose file's services. */
  static Map<String, Object> composeServices() throws IOException {
    return map(map(loadAll(COMPOSE).get(0)), "services");
  }

  /** A compose service's environment, with compose's ${VAR:-default} as their defaults. */
  static Map<String, String> composeEnvironment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    map(service, "environment").forEach((k, v) -> env.put(k,
        String.valueOf(v).replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1")));
    return env;
  }

  /** The host file a compose service mounts at {@code containerPath}. */
  static Path composeMountSource(Map<String, Object> service, String containerPath) {
    for (Object v : list(service, "volumes")) {
      String[] parts = String.valueOf(v).split(":");
      if (parts[1].equals(containerPath)) {
        return COMPOSE.getParent().resolve(parts[0]).normalize();
      }
    }
    return fail("nothing is mounted at " + containerPath);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    assertTrue(o instanceof Map, "a mapping: " + o);
    return (Map<String, Object>) o;
  }

  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object o = parent.get(key);
    assertTrue(o instanceof Map, key + " is a mapping in " + parent.keySet());
    return map(o);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> parent, String key) {
    Object o = parent.get(key);
    assertTrue(o instanceof List, key + " is a list in " + parent.keySet());
    return (List<Object>) o;
  }
}
