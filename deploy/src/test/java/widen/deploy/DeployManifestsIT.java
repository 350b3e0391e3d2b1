package widen.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static widen.deploy.DeployFiles.COMPOSE;
import static widen.deploy.DeployFiles.DEPLOY;
import static widen.deploy.DeployFiles.ROOT;
import static widen.deploy.DeployFiles.composeEnvironment;
import static widen.deploy.DeployFiles.composeMountSource;
import static widen.deploy.DeployFiles.composeServices;
import static widen.deploy.DeployFiles.list;
import static widen.deploy.DeployFiles.loadAll;
import static widen.deploy.DeployFiles.map;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import widen.WidenException;
import widen.cli.WidenCli;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.queue.Topology;

/**
 * What can be checked of the deployment files without a Docker engine or a Kubernetes cluster
 * (neither runs here): every file parses; every config widen would read in a container, pod or
 * systemd unit (file plus WIDEN_* environment) loads in widen's own config loader, which refuses
 * unknown keys and bad values; the image, the entry point and every command agree with the
 * command line and with each other; ports, grace periods and the autoscaled queue agree with the
 * config; the Grafana dashboard queries only metrics widen exports, and each of them.
 */
class DeployManifestsIT {
  private static final Path DOCKERFILE = DEPLOY.resolve("docker/Dockerfile");
  private static final Path K8S_BASE = DEPLOY.resolve("k8s/base");
  private static final Path KEDA = DEPLOY.resolve("k8s/keda/scaledobject.yaml");
  private static final Path DASHBOARD = DEPLOY.resolve("grafana/widen-dashboard.json");
  private static final Path SYSTEMD = DEPLOY.resolve("systemd");
  /** The metrics the dashboard must show: the coordinator's and the workers' main ones. */
  private static final Set<String> METRICS = Set.of("widen_ranges", "widen_rows_copied_total",
      "widen_rows_per_second", "widen_eta_seconds", "widen_phase", "widen_workers_active",
      "widen_ranges_parked", "widen_throttled", "widen_flip_advised", "widen_task_queue_depth",
      "widen_worker_rows_copied_total", "widen_worker_range_seconds",
      "widen_worker_ranges_total", "widen_worker_ranges_in_progress");
  /** Series a Micrometer timer adds to its name in Prometheus. */
  private static final List<String> TIMER_SERIES = List.of("_count", "_sum", "_max");
  /** Every metric widen exports, one table row each (CoordinatorMetricsTest and WorkerMetricsTest hold the code to it). */
  private static final Path METRICS_DOC = ROOT.resolve("docs/metrics.md");

  @TempDir
  Path tmp;

  @Test
  void everyDeploymentFileParses() throws IOException {
    List<Path> files = new ArrayList<>(List.of(COMPOSE, DEPLOY.resolve("docker/widen.yml"),
        KEDA, DASHBOARD));
    try (Stream<Path> k8s = Files.list(K8S_BASE)) {
      files.addAll(k8s.toList());
    }
    files.add(DEPLOY.resolve("k8s/keda/kustomization.yaml"));
    for (Path f : files) {
      List<Object> docs = loadAll(f);
      assertFalse(docs.isEmpty(), f + " holds no document");
      for (Object doc : docs) {
        assertTrue(doc instanceof Map, f + ": every document is a mapping, not " + doc);
      }
    }
    // Every manifest kustomize is told about exists and every one present is listed.
    for (Path dir : List.of(K8S_BASE, KEDA.getParent())) {
      for (Object r : list(map(loadAll(dir.resolve("kustomization.yaml")).get(0)), "resources")) {
        assertTrue(Files.exists(dir.resolve((String) r)), dir + " lists a missing " + r);
      }
    }
    try (Stream<Path> k8s = Files.list(K8S_BASE)) {
      Set<String> listed = new HashSet<>();
      list(map(loadAll(K8S_BASE.resolve("kustomization.yaml")).get(0)), "resources")
          .forEach(r -> listed.add((String) r));
      for (Path p : k8s.filter(p -> !p.endsWith("kustomization.yaml")).toList()) {
        assertTrue(listed.contains(p.getFileName().toString()), p + " not in kustomization.yaml");
      }
    }
  }

  @Test
  void composeServicesLoadTheirConfig() throws IOException {
    Map<String, Object> services = composeServices();
    List<String> widen = widenServices(services);
    assertEquals(List.of("coordinator", "worker"), widen);
    for (String name : widen) {
      Map<String, Object> svc = map(services, name);
      Map<String, String> env = composeEnvironment(svc);
      Path config = composeMountSource(svc, env.get("WIDEN_CONFIG"));
      WidenConfig loaded = load(name, config, env);
      assertFalse(loaded.source().password().isEmpty(), name + " gets the source password");
      if (name.equals("coordinator")) {
        assertEquals(List.of(loaded.get(Setting.HTTP_PORT) + ":" + loaded.get(Setting.HTTP_PORT)),
            list(svc, "ports"), "the coordinator's published port is its http.port");
      } else {
        assertFalse(svc.containsKey("ports"), "a published port would stop --scale worker=N");
        assertFalse(svc.containsKey("container_name"), "a fixed name would stop --scale");
        assertTrue(seconds(String.valueOf(svc.get("stop_grace_period")))
                > loaded.getInt(Setting.WORKER_DRAIN_SECONDS),
            "a stopped worker gets more than worker.drain_seconds to drain");
      }
      // The config names the compose services as hosts: the stack's own servers.
      for (String url : List.of(loaded.source().url(), loaded.target().url(),
          loaded.broker().url())) {
        String host = url.replaceFirst("^[a-z:]+//([^:/]+).*", "$1");
        assertTrue(services.containsKey(host), url + " names no service of the stack");
      }
    }
  }

  @Test
  void podsLoadTheirConfigAndSecrets() throws IOException {
    Map<String, Map<String, Object>> k8s = kubernetesObjects();
    for (String deployment : List.of("Deployment/widen-coordinator", "Deployment/widen-worker")) {
      Map<String, Object> pod = podSpec(k8s.get(deployment));
      Map<String, Object> container = onlyContainer(pod);
      WidenConfig config = podConfig(k8s, pod, container);
      assertFalse(config.target().password().isEmpty(), deployment + " reads the target password");
      assertFalse(config.broker().password().isEmpty(), deployment + " reads the broker password");
    }
  }

  @Test
  void imageEntryPointAndCommandsAgree() throws IOException {
    String image = "widen:" + new CommandLine(new WidenCli()).getCommandSpec().version()[0]
        .replaceFirst("^widen ", "");
    // The Dockerfile: bin/widen is the entry point, and the jar sits where bin/widen looks.
    List<String> dockerfile = Files.readAllLines(DOCKERFILE);
    String entry = instruction(dockerfile, "ENTRYPOINT").replaceAll("[\\[\\]\"]", "").trim();
    assertEquals(copyTarget(dockerfile, "/src/bin/widen"), entry);
    String home = Path.of(entry).getParent().getParent().toString();
    String jarInHome = Files.readAllLines(ROOT.resolve("bin/widen")).stream()
        .filter(l -> l.startsWith("jar=")).findFirst().orElseThrow()
        .replaceAll("jar=\"\\$home(.*)\"", "$1");
    assertEquals(home + jarInHome, copyTarget(dockerfile, "/src/deploy/target/widen.jar"));
    String defaultCommand = instruction(dockerfile, "CMD").replaceAll("[\\[\\]\"]", "").trim();
    assertCommand("Dockerfile CMD", List.of(defaultCommand));

    Map<String, Object> services = composeServices();
    for (String name : widenServices(services)) {
      Map<String, Object> svc = map(services, name);
      assertEquals(image, svc.get("image"), "compose service " + name + "'s image");
      Map<String, Object> build = map(svc, "build");
      Path context = COMPOSE.getParent().resolve((String) build.get("context")).normalize();
      assertEquals(DOCKERFILE, context.resolve((String) build.get("dockerfile")));
      assertEquals(ROOT, context, "the build context is the repository, with the sources");
      assertCommand("compose service " + name, strings(list(svc, "command")));
      assertEquals(name, strings(list(svc, "command")).get(0));
    }

    Map<String, Map<String, Object>> k8s = kubernetesObjects();
    for (String role : List.of("coordinator", "worker")) {
      Map<String, Object> container = onlyContainer(podSpec(k8s.get("Deployment/widen-" + role)));
      assertEquals(image, container.get("image"), role + " pod's image");
      assertFalse(container.containsKey("command"), role + ": the image's entry point"
          + " (bin/widen) must stay; give the widen command as args");
      assertCommand(role + " pod", strings(list(container, "args")));
      assertEquals(role, strings(list(container, "args")).get(0));
    }

    for (Path unit : units()) {
      String exec = unitValue(unit, "ExecStart");
      List<String> words = List.of(exec.split("\\s+"));
      assertEquals(entry, words.get(0), unit + " runs bin/widen where the image has it");
      assertCommand(unit.toString(), words.subList(1, words.size()));
    }
  }

  @Test
  void portsProbesAndGracePeriodsAgreeWithTheConfig() throws IOException {
    Map<String, Map<String, Object>> k8s = kubernetesObjects();
    Map<String, Object> coordinatorPod = podSpec(k8s.get("Deployment/widen-coordinator"));
    Map<String, Object> coordinator = onlyContainer(coordinatorPod);
    WidenConfig coordinatorConfig = podConfig(k8s, coordinatorPod, coordinator);
    Map<String, Integer> ports = containerPorts(coordinator);
    assertEquals(coordinatorConfig.getInt(Setting.HTTP_PORT), ports.get("http"),
        "the coordinator's container port is its http.port");
    assertEquals("Recreate", map(map(k8s.get("Deployment/widen-coordinator"), "spec"),
        "strategy").get("type"), "one coordinator at a time: the old pod ends first");
    assertEquals(1, map(k8s.get("Deployment/widen-coordinator"), "spec").get("replicas"));
    Map<String, Object> service = map(k8s.get("Service/widen-coordinator"), "spec");
    assertEquals(labels(k8s.get("Deployment/widen-coordinator")), map(service, "selector"),
        "the Service selects the coordinator's pods");
    for (Object p : list(service, "ports")) {
      Object target = ((Map<?, ?>) p).get("targetPort");
      assertTrue(ports.containsKey(String.valueOf(target)), "Service targetPort " + target);
    }

    for (String role : List.of("coordinator", "worker")) {
      Map<String, Object> pod = podSpec(k8s.get("Deployment/widen-" + role));
      Map<String, Object> container = onlyContainer(pod);
      Map<String, Integer> declared = containerPorts(container);
      for (String probe : List.of("readinessProbe", "livenessProbe")) {
        Map<String, Object> get = map(map(container, probe), "httpGet");
        assertTrue(declared.containsKey(String.valueOf(get.get("port"))),
            role + " " + probe + " uses a declared port: " + get);
        assertTrue(String.valueOf(get.get("path")).startsWith("/health/"), role + " " + probe);
      }
      Map<String, Object> resources = map(container, "resources");
      assertNotNull(map(resources, "requests").get("cpu"), role + " requests CPU");
      assertNotNull(map(resources, "requests").get("memory"), role + " requests memory");
    }

    Map<String, Object> workerPod = podSpec(k8s.get("Deployment/widen-worker"));
    WidenConfig workerConfig = podConfig(k8s, workerPod, onlyContainer(workerPod));
    assertEquals(workerConfig.getInt(Setting.WORKER_HTTP_PORT),
        containerPorts(onlyContainer(workerPod)).get("metrics"),
        "the worker's container port is its worker.http_port");
    for (String role : List.of("coordinator", "worker")) {
      Map<String, Object> template = map(map(k8s.get("Deployment/widen-" + role), "spec"),
          "template");
      Map<String, Object> annotations = map(map(template, "metadata"), "annotations");
      String port = String.valueOf(annotations.get("prometheus.io/port"));
      assertTrue(containerPorts(onlyContainer(map(template, "spec"))).containsValue(
          Integer.parseInt(port)), role + ": Prometheus scrapes a declared port, not " + port);
    }
    assertTrue(((Number) workerPod.get("terminationGracePeriodSeconds")).intValue()
            > workerConfig.getInt(Setting.WORKER_DRAIN_SECONDS),
        "a worker pod gets more than worker.drain_seconds to drain");
    WidenConfig example = WidenConfig.load(DEPLOY.resolve("local/widen.yml"), Map.of());
    for (Path unit : units()) {
      WidenConfig withUnitEnv = load(unit.toString(), DEPLOY.resolve("local/widen.yml"),
          unitEnvironment(unit));
      assertEquals(example.toString(), withUnitEnv.toString(), unit + " sets no config key");
      if (unit.getFileName().toString().startsWith("widen-worker")) {
        assertTrue(seconds(unitValue(unit, "TimeoutStopSec"))
            > example.getInt(Setting.WORKER_DRAIN_SECONDS), unit + ": TimeoutStopSec");
      }
    }
  }

  @Test
  void kedaScalesTheWorkersOnTheirTaskQueue() throws IOException {
    Map<String, Map<String, Object>> k8s = kubernetesObjects();
    Map<String, Object> workerPod = podSpec(k8s.get("Deployment/widen-worker"));
    WidenConfig config = podConfig(k8s, workerPod, onlyContainer(workerPod));
    Map<String, Map<String, Object>> keda = byKindAndName(loadAll(KEDA));
    Map<String, Object> scaled = map(keda.get("ScaledObject/widen-worker"), "spec");
    assertEquals("widen-worker", map(scaled, "scaleTargetRef").get("name"));
    assertTrue(k8s.containsKey("Deployment/widen-worker"));
    Map<?, ?> trigger = (Map<?, ?>) list(scaled, "triggers").get(0);
    assertEquals("rabbitmq", trigger.get("type"));
    Map<?, ?> meta = (Map<?, ?>) trigger.get("metadata");
    assertEquals(Topology.of(config).tasks(), meta.get("queueName"),
        "KEDA watches the queue the workers consume");
    assertTrue(map(scaled, "fallback").get("replicas") instanceof Integer,
        "a replica count for when the scaler cannot read the queue");
    String auth = (String) ((Map<?, ?>) trigger.get("authenticationRef")).get("name");
    Map<String, Object> ref = map(keda.get("TriggerAuthentication/" + auth), "spec");
    Map<?, ?> secretRef = (Map<?, ?>) list(ref, "secretTargetRef").get(0);
    Map<String, Object> secret = k8s.get("Secret/" + secretRef.get("name"));
    assertNotNull(secret, "the TriggerAuthentication's Secret exists");
    String host = String.valueOf(map(secret, "stringData").get(secretRef.get("key")));
    // The scaler's URL and widen's broker.url name the same broker.
    assertEquals(config.broker().url().replaceFirst("//", "//" + config.broker().user() + ":"
        + "CHANGE-ME@"), host);
  }

  @Test
  void theDashboardQueriesWidensMetricsAndEachOfThem() throws IOException {
    Set<String> exported = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| `(widen_[a-z_]+)` \\|").matcher(
        Files.readString(METRICS_DOC));
    while (row.find()) {
      exported.add(row.group(1));
    }
    assertTrue(exported.containsAll(METRICS), "docs/metrics.md lists " + exported);
    Map<String, Object> dash = map(loadAll(DASHBOARD).get(0));
    Set<String> used = new TreeSet<>();
    Set<Object> ids = new HashSet<>();
    Pattern metric = Pattern.compile("widen_[a-z_]+");
    for (Object o : list(dash, "panels")) {
      Map<String, Object> panel = map(o);
      assertTrue(ids.add(panel.get("id")), "panel ids are unique: " + panel.get("id"));
      assertNotNull(panel.get("gridPos"), "panel " + panel.get("title") + " has a place");
      if ("row".equals(panel.get("type"))) {
        continue;
      }
      assertEquals("${datasource}", map(panel, "datasource").get("uid"),
          "panel " + panel.get("title") + " uses the dashboard's data source variable");
      List<Object> targets = list(panel, "targets");
      assertFalse(targets.isEmpty(), "panel " + panel.get("title") + " has a query");
      for (Object t : targets) {
        String expr = (String) map(t).get("expr");
        Matcher m = metric.matcher(expr);
        boolean any = false;
        while (m.find()) {
          any = true;
          String name = exported(m.group(), exported);
          assertTrue(exported.contains(name), "panel " + panel.get("title") + " queries "
              + m.group() + ", which widen does not export (docs/metrics.md)");
          used.add(name);
        }
        assertTrue(any, "panel " + panel.get("title") + " queries a widen metric: " + expr);
      }
    }
    assertTrue(used.containsAll(METRICS), "the dashboard shows each of " + METRICS + ", not only "
        + used);
  }

  // ---------------------------------------------------------------------------------------

  /** A timer's series as the metric it belongs to; any other name as it is. */
  private static String exported(String series, Set<String> metrics) {
    for (String suffix : TIMER_SERIES) {
      String base = series.substring(0, Math.max(0, series.length() - suffix.length()));
      if (series.endsWith(suffix) && metrics.contains(base)) {
        return base;
      }
    }
    return series;
  }

  /** Loads a config as widen does; a refusal fails the test with widen's own message. */
  private static WidenConfig load(String where, Path file, Map<String, String> env) {
    try {
      return WidenConfig.load(file, env);
    } catch (WidenException e) {
      return fail(where + ": widen refuses its config: " + e.getMessage());
    }
  }

  /**
   * The config a pod's container reads: the ConfigMap file mounted at $WIDEN_CONFIG and its
   * WIDEN_* variables. Each *_file value must be a key of a Secret mounted at that directory;
   * the test points it at a temp file of that key's value, as the kubelet would.
   */
  private WidenConfig podConfig(Map<String, Map<String, Object>> k8s, Map<String, Object> pod,
      Map<String, Object> container) throws IOException {
    Map<String, Object> security = map(pod, "securityContext");
    assertEquals(security.get("runAsGroup"), security.get("fsGroup"),
        "mounted Secrets belong to the group the process runs as");
    Map<String, String> env = new LinkedHashMap<>();
    for (Object e : list(container, "env")) {
      Map<?, ?> var = (Map<?, ?>) e;
      env.put((String) var.get("name"), String.valueOf(var.get("value")));
    }
    String configPath = env.get("WIDEN_CONFIG");
    assertNotNull(configPath, "the container names its config file in WIDEN_CONFIG");
    Map<String, Object> configVolume = null;
    String subPath = null;
    Map<String, Map<String, Object>> secretMounts = new HashMap<>();
    for (Object m : list(container, "volumeMounts")) {
      Map<?, ?> mount = (Map<?, ?>) m;
      Map<String, Object> volume = volume(pod, (String) mount.get("name"));
      if (mount.get("mountPath").equals(configPath)) {
        configVolume = volume;
        subPath = (String) mount.get("subPath");
      } else if (volume.containsKey("secret")) {
        secretMounts.put((String) mount.get("mountPath"), volume);
      }
    }
    assertNotNull(configVolume, "a volume is mounted at " + configPath);
    String configMap = (String) map(configVolume, "configMap").get("name");
    Map<String, Object> data = map(k8s.get("ConfigMap/" + configMap), "data");
    Object text = data.get(subPath);
    assertNotNull(text, "ConfigMap " + configMap + " has the key " + subPath);
    Map<String, Object> yaml = map(new Yaml(new SafeConstructor(new LoaderOptions()))
        .load((String) text));
    resolveSecretFiles(k8s, yaml, secretMounts);
    Path file = tmp.resolve(configMap + ".yml");
    Files.writeString(file, new Yaml().dump(yaml));
    return load("pod config " + configMap, file, env);
  }

  private void resolveSecretFiles(Map<String, Map<String, Object>> k8s, Map<String, Object> yaml,
      Map<String, Map<String, Object>> secretMounts) throws IOException {
    for (Map.Entry<String, Object> e : yaml.entrySet()) {
      if (e.getValue() instanceof Map<?, ?>) {
        resolveSecretFiles(k8s, map(e.getValue()), secretMounts);
      } else if (e.getKey().endsWith("_file") && e.getValue() != null) {
        Path path = Path.of(String.valueOf(e.getValue()));
        Map<String, Object> volume = secretMounts.get(path.getParent().toString());
        assertNotNull(volume, e.getKey() + " " + path + " is in no mounted Secret");
        String secretName = (String) map(volume, "secret").get("secretName");
        Object mode = map(volume, "secret").get("defaultMode");
        assertTrue(mode instanceof Integer && (((Integer) mode) & 040) != 0,
            "the Secret's files are group-readable (fsGroup), not only root's: " + mode);
        Map<String, Object> secret = k8s.get("Secret/" + secretName);
        assertNotNull(secret, "Secret " + secretName + " exists");
        Object value = map(secret, "stringData").get(path.getFileName().toString());
        assertNotNull(value, "Secret " + secretName + " has the key " + path.getFileName());
        Path local = Files.writeString(tmp.resolve(secretName + "-" + path.getFileName()),
            String.valueOf(value));
        e.setValue(local.toString());
      }
    }
  }

  private static Map<String, Object> volume(Map<String, Object> pod, String name) {
    for (Object v : list(pod, "volumes")) {
      if (name.equals(((Map<?, ?>) v).get("name"))) {
        return map(v);
      }
    }
    return fail("no volume " + name);
  }

  /** Every object of deploy/k8s/base, as "Kind/name". */
  private static Map<String, Map<String, Object>> kubernetesObjects() throws IOException {
    List<Object> docs = new ArrayList<>();
    for (Object r : list(map(loadAll(K8S_BASE.resolve("kustomization.yaml")).get(0)),
        "resources")) {
      docs.addAll(loadAll(K8S_BASE.resolve((String) r)));
    }
    return byKindAndName(docs);
  }

  private static Map<String, Map<String, Object>> byKindAndName(List<Object> docs) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Object d : docs) {
      Map<String, Object> obj = map(d);
      out.put(obj.get("kind") + "/" + map(obj, "metadata").get("name"), obj);
    }
    return out;
  }

  private static Map<String, Object> podSpec(Map<String, Object> deployment) {
    assertNotNull(deployment, "the Deployment exists");
    return map(map(map(deployment, "spec"), "template"), "spec");
  }

  private static Map<String, Object> labels(Map<String, Object> deployment) {
    return map(map(map(map(deployment, "spec"), "template"), "metadata"), "labels");
  }

  private static Map<String, Object> onlyContainer(Map<String, Object> pod) {
    List<Object> containers = list(pod, "containers");
    assertEquals(1, containers.size());
    return map(containers.get(0));
  }

  private static Map<String, Integer> containerPorts(Map<String, Object> container) {
    Map<String, Integer> out = new HashMap<>();
    for (Object p : list(container, "ports")) {
      Map<?, ?> port = (Map<?, ?>) p;
      out.put((String) port.get("name"), (Integer) port.get("containerPort"));
    }
    return out;
  }

  private static List<String> widenServices(Map<String, Object> services) {
    return services.entrySet().stream()
        .filter(e -> String.valueOf(map(e.getValue()).get("image")).startsWith("widen:"))
        .map(Map.Entry::getKey).sorted().toList();
  }

  /** A command line the widen command accepts: a subcommand and options it knows. */
  private static void assertCommand(String where, List<String> args) {
    CommandLine cli = new CommandLine(new WidenCli());
    assertTrue(cli.getSubcommands().containsKey(args.get(0)),
        where + ": widen has no command " + args.get(0));
    try {
      cli.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      fail(where + ": widen " + String.join(" ", args) + " is refused: " + e.getMessage());
    }
  }

  private static String instruction(List<String> dockerfile, String name) {
    return dockerfile.stream().filter(l -> l.startsWith(name + " ")).reduce((a, b) -> b)
        .map(l -> l.substring(name.length() + 1)).orElseGet(() -> fail("no " + name));
  }

  /** Where the Dockerfile copies {@code source} from the build stage. */
  private static String copyTarget(List<String> dockerfile, String source) {
    for (String l : dockerfile) {
      String[] w = l.trim().split("\\s+");
      if (w[0].equals("COPY") && w.length == 4 && w[1].startsWith("--from=")
          && w[2].equals(source)) {
        return w[3];
      }
    }
    return fail("the Dockerfile does not copy " + source);
  }

  private static List<Path> units() throws IOException {
    try (Stream<Path> s = Files.list(SYSTEMD)) {
      List<Path> units = s.filter(p -> p.toString().endsWith(".service")).sorted().toList();
      assertEquals(2, units.size(), "a unit for the coordinator and one for workers");
      return units;
    }
  }

  private static String unitValue(Path unit, String key) throws IOException {
    return Files.readAllLines(unit).stream().filter(l -> l.startsWith(key + "="))
        .map(l -> l.substring(key.length() + 1)).findFirst()
        .orElseGet(() -> fail(unit + " has no " + key));
  }

  private static Map<String, String> unitEnvironment(Path unit) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String l : Files.readAllLines(unit)) {
      if (l.startsWith("Environment=")) {
        String assignment = l.substring("Environment=".length()).replaceAll("^\"|\"$", "");
        int eq = assignment.indexOf('=');
        env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
      }
    }
    assertTrue(env.containsKey("WIDEN_CONFIG"), unit + " names its config file");
    return env;
  }

  /** Seconds of "90", "90s" or "2min". */
  private static int seconds(String value) {
    Matcher m = Pattern.compile("(\\d+)\\s*(s|min)?").matcher(value.trim());
    assertTrue(m.matches(), "a duration: " + value);
    return Integer.parseInt(m.group(1)) * ("min".equals(m.group(2)) ? 60 : 1);
  }

  private static List<String> strings(List<Object> list) {
    return list.stream().map(String::valueOf).toList();
  }
}
