package widen.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.WidenException;
import widen.config.BrokerEndpoint;
import widen.config.Secret;

/**
 * amqps:// without a TLS broker: a local TLS server socket with a self-signed certificate stands
 * in for the broker's TLS port. Whether the TLS handshake completes on its side tells whether
 * widen trusted the certificate; the AMQP conversation after it is not this test's business.
 */
class BrokerTlsTest {
  private static final String STORE_PASSWORD = "Tru5t-St0re-Pw";
  @TempDir
  static Path dir;
  private static Path broker;
  private static Path otherHost;
  private static Path trust;

  @BeforeAll
  static void certificates() throws Exception {
    broker = keyPair("broker", "ip:127.0.0.1,dns:localhost");
    otherHost = keyPair("other", "dns:other.example");
    trust = dir.resolve("trust.p12");
    for (String alias : List.of("broker", "other")) {
      keytool("-exportcert", "-alias", alias, "-keystore", dir.resolve(alias + ".p12").toString(),
          "-storepass", "server", "-file", dir.resolve(alias + ".crt").toString());
      keytool("-importcert", "-noprompt", "-alias", alias, "-file",
          dir.resolve(alias + ".crt").toString(), "-keystore", trust.toString(), "-storetype",
          "PKCS12", "-storepass", STORE_PASSWORD);
    }
  }

  @Test
  void aCertificateInTheTrustStoreIsAccepted() throws Exception {
    Handshake server = Handshake.serve(broker);
    WidenException e = connect(server, trust.toString(), STORE_PASSWORD);
    assertTrue(server.completed(), "TLS handshake completed; then: " + e.getMessage());
    assertFalse(e.getMessage().contains("certificate"), e.getMessage());
  }

  @Test
  void withoutATrustStoreTheJvmDefaultsDecideAndRefuseASelfSignedBroker() throws Exception {
    Handshake server = Handshake.serve(broker);
    WidenException e = connect(server, "", "");
    assertFalse(server.completed(), "an unknown certificate must not be trusted");
    assertEquals("broker at 127.0.0.1:" + server.port() + " presented a certificate not signed by"
        + " a trusted CA", e.getMessage().substring(0, e.getMessage().indexOf(" (")));
    assertTrue(e.getMessage().endsWith("): set broker.tls_trust_store to a trust store holding"
        + " the CA that signed it"), e.getMessage());
  }

  @Test
  void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
    Handshake server = Handshake.serve(otherHost);
    WidenException e = connect(server, trust.toString(), STORE_PASSWORD);
    assertFalse(server.completed(), "host name not verified");
    assertTrue(e.getMessage().startsWith("broker at 127.0.0.1:" + server.port()
        + " has a certificate for another host name"), e.getMessage());
    assertTrue(e.getMessage().endsWith("put in broker.url the host name its certificate names"),
        e.getMessage());
  }

  @Test
  void aWrongTrustStorePasswordIsNamedAndNotShown() throws Exception {
    Handshake server = Handshake.serve(broker);
    WidenException e = connect(server, trust.toString(), "Wr0ng-Tru5t-Pw");
    assertTrue(e.getMessage().startsWith("cannot open broker.tls_trust_store " + trust),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("check broker.tls_trust_store_password"), e.getMessage());
    assertFalse(e.getMessage().contains("Wr0ng-Tru5t-Pw"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void aPkcs12StoreOpenedWithoutItsPasswordIsRefusedAsEmpty() throws Exception {
    Handshake server = Handshake.serve(broker);
    WidenException e = connect(server, trust.toString(), "");
    assertEquals("broker.tls_trust_store " + trust + " holds no certificate it can read: import"
        + " the broker's CA certificate (a PKCS12 store also needs"
        + " broker.tls_trust_store_password)", e.getMessage());
  }

  private static WidenException connect(Handshake server, String store, String password) {
    BrokerEndpoint b = new BrokerEndpoint("amqps://127.0.0.1:" + server.port() + "/", "guest",
        new Secret("guest"), "widen.tls", store, new Secret(password), 15);
    WidenException e = assertThrows(WidenException.class,
        () -> Broker.connect(b, "widen-tls-test", null).close());
    server.close();
    return e;
  }

  /** Generates a self-signed key pair for CN=name with the given subject alternative names. */
  private static Path keyPair(String name, String san) throws Exception {
    Path store = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=" + name, "-ext", "SAN=" + san, "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", "server", "-keypass", "server");
    return store;
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "keytool " + args[0] + ": " + out);
  }

  /** A TLS server socket on 127.0.0.1 that records whether one client's handshake completed. */
  private record Handshake(SSLServerSocket socket, CompletableFuture<Boolean> done) {
    static Handshake serve(Path keyStore) throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = new FileInputStream(keyStore.toFile())) {
        ks.load(in, "server".toCharArray());
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "server".toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      SSLServerSocket socket = (SSLServerSocket) ctx.getServerSocketFactory()
          .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
      CompletableFuture<Boolean> done = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try (SSLSocket client = (SSLSocket) socket.accept()) {
          client.startHandshake();
          done.complete(true);
          client.getInputStream().read(new byte[8]); // the AMQP header; then hang up
        } catch (Exception e) {
          done.complete(false);
        }
      }, "tls-test-server");
      t.setDaemon(true);
      t.start();
      return new Handshake(socket, done);
    }

    int port() {
      return socket.getLocalPort();
    }

    boolean completed() throws Exception {
      return done.get(30, TimeUnit.SECONDS);
    }

    void close() {
      try {
        socket.close();
      } catch (java.io.IOException e) {
        // the test is over
      }
    }
  }
}
