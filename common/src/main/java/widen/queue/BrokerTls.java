package widen.queue;

import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import widen.WidenException;
import widen.config.BrokerEndpoint;
import widen.db.Databases;

/**
 * TLS for amqps:// broker URLs: the broker's certificate is verified, against
 * broker.tls_trust_store or else the JVM's default trust store, never trusted blindly; and so is
 * the host name in broker.url against the certificate, as a browser would.
 */
final class BrokerTls {
  private BrokerTls() {}

  /** The context verifying the broker's certificate chain. */
  static SSLContext context(BrokerEndpoint b) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      // null: the JVM's default (cacerts, or javax.net.ssl.trustStore if set).
      tmf.init(b.trustStore().isEmpty() ? null : trustStore(b));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new WidenException("cannot set up TLS for the broker: " + e.getMessage(), e);
    }
  }

  private static KeyStore trustStore(BrokerEndpoint b) {
    String path = b.trustStore();
    char[] password = b.trustStorePassword().isEmpty() ? null
        : b.trustStorePassword().reveal().toCharArray();
    KeyStore store;
    try {
      store = KeyStore.getInstance(new File(path), password); // PKCS12 or JKS, by content
    } catch (IOException e) {
      // The JDK says "keystore password was incorrect" (or "Integrity check failed").
      throw new WidenException("cannot open broker.tls_trust_store " + path + " ("
          + Databases.oneLine(e.getMessage()) + "): check broker.tls_trust_store_password", e);
    } catch (GeneralSecurityException e) {
      throw new WidenException("broker.tls_trust_store " + path + " is not a PKCS12 or JKS trust"
          + " store (" + Databases.oneLine(e.getMessage()) + "): give one made with keytool", e);
    }
    try {
      if (Collections.list(store.aliases()).stream().noneMatch(a -> isCertificate(store, a))) {
        throw new WidenException("broker.tls_trust_store " + path + " holds no certificate it can"
            + " read: import the broker's CA certificate (a PKCS12 store also needs"
            + " broker.tls_trust_store_password)");
      }
    } catch (GeneralSecurityException e) {
      throw new WidenException("cannot read broker.tls_trust_store " + path + ": " + e, e);
    }
    return store;
  }

  private static boolean isCertificate(KeyStore store, String alias) {
    try {
      return store.getCertificate(alias) != null;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * The one-line reason and fix when {@code failure} was TLS going wrong with the broker at
   * {@code where}, else null.
   */
  static String problem(Throwable failure, String where) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String why = Databases.oneLine(String.valueOf(t.getMessage()));
      if (why.contains("No subject alternative") || why.contains("No name matching")) {
        return "broker at " + where + " has a certificate for another host name (" + why
            + "): put in broker.url the host name its certificate names";
      }
      if (t instanceof CertPathValidatorException
          || why.contains("unable to find valid certification path")) {
        return "broker at " + where + " presented a certificate not signed by a trusted CA ("
            + why + "): set broker.tls_trust_store to a trust store holding the CA that signed"
            + " it";
      }
      if (why.contains("Unsupported or unrecognized SSL message")) {
        return "broker at " + where + " did not answer in TLS: point broker.url at the broker's"
            + " TLS port (usually 5671), or use amqp:// for a broker without TLS";
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return "TLS with the broker at " + where + " failed ("
            + Databases.oneLine(t.getMessage()) + "): check broker.url and broker.tls_trust_store";
      }
    }
    return null;
  }
}
