package io.ringmaster.core.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material of the monitor's HTTP API, read from PEM files with the JDK's own {@link CertificateFactory} and
 * {@link KeyFactory}: the server's certificate chain ({@code monitor.tls_cert}, leaf first) and its PKCS#8 private
 * key ({@code monitor.tls_key}), and the certificates clients trust ({@code monitor.tls_ca}, or the chain itself
 * when no CA file is given, which pins a self-signed certificate).
 *
 * <p>Checked when loaded: the files are readable, hold what they should, the certificate is valid now, and the key
 * belongs to the certificate (a signature made with the key verifies with the certificate's public key). {@link #toString()} shows the file
 * names only, never the key. Immutable and thread-safe.
 */
public final class ApiTls {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private final Path certFile;
    private final Path keyFile;
    private final Path caFile;
    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final List<X509Certificate> trusted;

    private ApiTls(Path certFile, Path keyFile, Path caFile, List<X509Certificate> chain, PrivateKey key,
                   List<X509Certificate> trusted) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.caFile = caFile;
        this.chain = List.copyOf(chain);
        this.key = key;
        this.trusted = List.copyOf(trusted);
    }

    /**
     * Reads and checks the files.
     *
     * @param cert PEM certificate chain, leaf first, never null
     * @param key  PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of the leaf, never null
     * @param ca   PEM certificates clients trust; null to trust the chain of {@code cert} itself
     * @param err  makes the error for a field ({@code tls_cert}, {@code tls_key}, {@code tls_ca}) and a problem
     * @throws ConfigException (from {@code err}) when a file cannot be read, holds no certificate or no PKCS#8
     *                         key, or the key does not belong to the certificate
     */
    public static ApiTls load(Path cert, Path key, Path ca, Problem err) {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        List<X509Certificate> chain = certificates(cert, "tls_cert", err);
        X509Certificate leaf = chain.get(0);
        try {
            leaf.checkValidity();
        } catch (java.security.cert.CertificateExpiredException e) {
            throw err.at("tls_cert", "the certificate in " + cert + " expired on " + leaf.getNotAfter().toInstant()
                    + "; clients would refuse it");
        } catch (java.security.cert.CertificateNotYetValidException e) {
            throw err.at("tls_cert", "the certificate in " + cert + " is valid only from "
                    + leaf.getNotBefore().toInstant() + " (is this machine's clock right?)");
        }
        PrivateKey privateKey = privateKey(key, chain.get(0).getPublicKey().getAlgorithm(), err);
        if (!matches(privateKey, chain.get(0).getPublicKey())) {
            throw err.at("tls_key", key + " is not the key of the certificate in " + cert + " ("
                    + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        List<X509Certificate> trusted = ca == null ? chain : certificates(ca, "tls_ca", err);
        return new ApiTls(cert, key, ca, chain, privateKey, trusted);
    }

    /** Makes the {@link ConfigException} for a field of the section being read. */
    @FunctionalInterface
    public interface Problem {
        /** @return the exception to throw, naming the field */
        ConfigException at(String field, String problem);
    }

    /** The certificate chain file ({@code monitor.tls_cert}), never null. */
    public Path certFile() {
        return certFile;
    }

    /** The key file ({@code monitor.tls_key}), never null. */
    public Path keyFile() {
        return keyFile;
    }

    /** The server's chain, leaf first, never empty. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The certificates a client of this API trusts: those of {@code tls_ca}, or the chain. Never empty. */
    public List<X509Certificate> trusted() {
        return trusted;
    }

    /**
     * A TLS context for the API's server side, holding the key and chain. A new context on each call.
     *
     * @throws IllegalStateException when the JDK refuses the material (it was checked at load)
     */
    public SSLContext serverContext() {
        try {
            char[] password = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("api", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the API's TLS context from " + certFile + ": " + e, e);
        }
    }

    /**
     * A TLS context for a client of the API (CLI, standalone router) that trusts {@link #trusted()} only.
     * Host names are still checked by the HTTP client against the certificate.
     *
     * @throws IllegalStateException when the JDK refuses the certificates (they were checked at load)
     */
    public SSLContext clientContext() {
        return clientContext(trusted);
    }

    /**
     * A TLS context that trusts exactly these certificates.
     *
     * @param trusted one or more certificates, never null
     * @throws IllegalStateException when the JDK refuses them
     */
    public static SSLContext clientContext(List<X509Certificate> trusted) {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                ts.setCertificateEntry("trusted-" + i, trusted.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e, e);
        }
    }

    private static List<X509Certificate> certificates(Path file, String field, Problem err) {
        byte[] bytes = read(file, field, err);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Matcher m = PEM.matcher(text);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(m.group(0)
                            .getBytes(StandardCharsets.US_ASCII))));
                }
            }
        } catch (CertificateException e) {
            throw err.at(field, file + " holds a certificate that cannot be read: " + firstLine(e));
        }
        if (out.isEmpty()) {
            throw err.at(field, file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    private static PrivateKey privateKey(Path file, String algorithm, Problem err) {
        String text = new String(read(file, "tls_key", err), StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY" -> {
                    byte[] der;
                    try {
                        der = Base64.getMimeDecoder().decode(m.group(2));
                    } catch (IllegalArgumentException e) {
                        throw err.at("tls_key", file + " holds a PRIVATE KEY that is not valid base64");
                    }
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                        throw err.at("tls_key", file + " holds no " + algorithm + " PKCS#8 key matching the "
                                + "certificate's " + algorithm + " public key: " + firstLine(e));
                    }
                }
                case "ENCRYPTED PRIVATE KEY" -> throw err.at("tls_key", file + " holds an encrypted key; write it "
                        + "without a passphrase, readable by the monitor's user only (openssl pkcs8 -topk8 -nocrypt)");
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw err.at("tls_key", file + " holds a "
                        + type.substring(0, type.indexOf(' ')) + " key in the old format; convert it to PKCS#8 "
                        + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
                default -> {
                    // another block (a certificate in the same file): look further
                }
            }
        }
        throw err.at("tls_key", file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static byte[] read(Path file, String field, Problem err) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw err.at(field, "cannot read " + file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw err.at(field, "cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw err.at(field, "cannot read " + file + ": " + firstLine(e));
        }
    }

    /** True when a signature made with {@code key} verifies with {@code pub}. */
    private static boolean matches(PrivateKey key, PublicKey pub) {
        String alg = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> pub.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
        try {
            byte[] data = new byte[32];
            new SecureRandom().nextBytes(data);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(data);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(data);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    @Override
    public String toString() {
        return "ApiTls[cert=" + certFile + ", key=" + keyFile + (caFile == null ? "" : ", ca=" + caFile) + "]";
    }
}
