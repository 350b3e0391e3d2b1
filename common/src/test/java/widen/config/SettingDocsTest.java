package widen.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every config key is documented where operators look: the README's config table and the
 * commented example deploy/local/widen.yml (which holds exactly the keys widen knows).
 */
class SettingDocsTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void everyKeyIsInTheReadmeTable() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    List<String> missing = Arrays.stream(Setting.values()).map(Setting::key)
        .filter(k -> !readme.contains("| `" + k + "` |")).toList();
    assertEquals(List.of(), missing, "keys missing from the README's config table");
  }

  @Test
  void theExampleConfigHasEveryKey() throws Exception {
    Set<String> keys = new TreeSet<>();
    try (Reader in = Files.newBufferedReader(ROOT.resolve("deploy/local/widen.yml"))) {
      flatten("", new Yaml().load(in), keys);
    }
    assertEquals(Arrays.stream(Setting.values()).map(Setting::key)
        .collect(Collectors.toCollection(TreeSet::new)), keys);
  }

  private static void flatten(String prefix, Map<?, ?> map, Set<String> out) {
    map.forEach((k, v) -> {
      if (v instanceof Map<?, ?> nested) {
        flatten(prefix + k + ".", nested, out);
      } else {
        out.add(prefix + k);
      }
    });
  }
}
