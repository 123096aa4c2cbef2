package io.ringmaster.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-signed TLS certificate for 127.0.0.1 and its key, shared by the servers of one sandbox.
 *
 * <p>Why: from MariaDB 11.4 a server without a certificate generates one at every start (about 3 s of CPU each,
 * which a 2-core machine feels on every drill restart), and its replicas want TLS by default
 * ({@code MASTER_SSL=1}, verified through the replication password for a self-signed certificate). Handing every
 * server this certificate keeps starts fast and replication working on every version without special
 * {@code CHANGE MASTER} options. Made with the JDK's {@code keytool} (RSA 2048, 10 years), then written as PEM.
 *
 * @param certificate the certificate, PEM
 * @param key         the private key, PEM (PKCS#8), readable by the owner only
 */
public record ServerTls(Path certificate, Path key) {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final String ALIAS = "sandbox";

    /**
     * Makes a certificate and key in {@code dir} (created when missing).
     *
     * @return the files, or empty (logged) when keytool is missing or fails: the servers then run with
     *         their own defaults, only slower to start on MariaDB 11.4+
     */
    public static Optional<ServerTls> create(Path dir) {
        long begin = System.nanoTime();
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve(ALIAS + ".p12");
            char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12)).toCharArray();
            Commands.Result r = Commands.run(List.of(keytool(), "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA",
                    "-keysize", "2048", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "3650",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(password),
                    "-keypass", new String(password)), null, dir.resolve("keytool.log"), KEYTOOL_TIMEOUT);
            if (!r.ok()) {
                LOG.warn("keytool failed (exit {}): {}; servers will make their own TLS certificates", r.exitCode(),
                        r.tail(2));
                return Optional.empty();
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password);
            }
            Key key = ks.getKey(ALIAS, password);
            Certificate cert = ks.getCertificate(ALIAS);
            ServerTls tls = new ServerTls(dir.resolve("cert.pem"), dir.resolve("key.pem"));
            Files.writeString(tls.certificate(), pem("CERTIFICATE", cert.getEncoded()));
            Files.createFile(tls.key(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tls.key(), pem("PRIVATE KEY", key.getEncoded()));
            Files.delete(store);
            Files.deleteIfExists(dir.resolve("keytool.log"));
            LOG.info("Made a TLS certificate for the sandbox servers in {} ms", (System.nanoTime() - begin) / 1_000_000);
            return Optional.of(tls);
        } catch (IOException | GeneralSecurityException | SandboxException e) {
            LOG.warn("Cannot make a TLS certificate in {} ({}); servers will make their own", dir, e.getMessage());
            return Optional.empty();
        }
    }

    /** The my.cnf lines that hand the certificate to a server. */
    public List<String> configLines() {
        return List.of("ssl_cert=" + certificate, "ssl_key=" + key);
    }

    private static String keytool() {
        Path inJdk = Path.of(System.getProperty("java.home"), "bin", "keytool");
        return Files.isExecutable(inJdk) ? inJdk.toString() : "keytool";
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
