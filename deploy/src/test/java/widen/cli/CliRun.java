package widen.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/** Runs the widen command line in-process with a config file, capturing its output. */
record CliRun(int code, String out, String err) {

  static CliRun run(Map<String, String> config, Path dir, String... args) throws Exception {
    Path file = dir.resolve("widen.yml");
    Files.writeString(file, config.entrySet().stream()
        .map(e -> e.getKey() + ": \"" + e.getValue() + "\"").collect(Collectors.joining("\n")));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = file.toString();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = WidenCli.execute(all);
      return new CliRun(code, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8).strip());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }
}
