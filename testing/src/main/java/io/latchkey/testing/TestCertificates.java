package io.latchkey.testing;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * X.509 certificates made while the tests run, so that no key material is ever committed: a CA,
 * certificates it issues (for servers, with {@code localhost} names, and for clients), and
 * self-signed ones. EC P-256 keys, ECDSA with SHA-256 signatures, written with BouncyCastle's
 * ASN.1 classes (bcprov; the certificate builders of bcpkix are not needed for this).
 */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] PASSWORD = "test".toCharArray();
    private static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

    private TestCertificates() {
    }

    /** A key pair and its certificate, with the chain up to (not including) the CA. */
    public record Issued(KeyPair keys, X509Certificate certificate, List<X509Certificate> chain) {
        /** The certificate as PEM. */
        public String pem() {
            return TestCertificates.pem(certificate);
        }

        /** The certificate as nginx's {@code $ssl_client_escaped_cert} writes it: URL-encoded PEM. */
        public String urlEncodedPem() {
            return URLEncoder.encode(pem(), StandardCharsets.UTF_8).replace("+", "%20");
        }

        /** A PKCS#12 file holding key and chain (password {@code test}), as a server's LATCHKEY_TLS_CERT. */
        public Path writePkcs12(Path file) throws Exception {
            try (var out = Files.newOutputStream(file)) {
                keyStore().store(out, PASSWORD);
            }
            return file;
        }

        public static String password() {
            return new String(PASSWORD);
        }

        /**
         * A TLS context that presents this certificate as a client certificate and trusts
         * servers whose certificate {@code serverCa} issued.
         */
        public SSLContext clientContext(X509Certificate serverCa) {
            try {
                KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keyStore(), PASSWORD);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keyManagers.getKeyManagers(), trusting(serverCa), RANDOM);
                return context;
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private KeyStore keyStore() throws GeneralSecurityException, java.io.IOException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            List<X509Certificate> all = new ArrayList<>();
            all.add(certificate);
            all.addAll(chain);
            store.setKeyEntry("key", keys.getPrivate(), PASSWORD, all.toArray(new X509Certificate[0]));
            return store;
        }
    }

    /** A TLS context that presents no certificate and trusts servers {@code serverCa} issued. */
    public static SSLContext clientContextWithoutCertificate(X509Certificate serverCa) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trusting(serverCa), RANDOM);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CA valid from a day ago for a year. */
    public static Issued ca(String dn) {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        return new Issued(keys, sign(dn, keys, new X500Principal(dn), keys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)),
                true, false), List.of());
    }

    /** A client certificate {@code ca} issued, valid from a day ago for thirty days. */
    public static Issued client(Issued ca, String dn) {
        Instant now = Instant.now();
        return client(ca, dn, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    /** A client certificate {@code ca} issued, valid between the two instants. */
    public static Issued client(Issued ca, String dn, Instant notBefore, Instant notAfter) {
        KeyPair keys = keyPair();
        return new Issued(keys, sign(dn, keys, ca.certificate().getSubjectX500Principal(), ca.keys(),
                notBefore, notAfter, false, false), List.of());
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}, which {@code ca} issued. */
    public static Issued server(Issued ca) {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        return new Issued(keys, sign("CN=localhost", keys, ca.certificate().getSubjectX500Principal(),
                ca.keys(), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), false, true), List.of());
    }

    /** A self-signed client certificate, valid from a day ago for thirty days. */
    public static Issued selfSigned(String dn) {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        return new Issued(keys, sign(dn, keys, new X500Principal(dn), keys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)),
                false, false), List.of());
    }

    /** PEM of one certificate (RFC 7468 §5). */
    public static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static javax.net.ssl.TrustManager[] trusting(X509Certificate ca) throws GeneralSecurityException,
            java.io.IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        return trust.getTrustManagers();
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, X500Principal issuer, KeyPair issuerKeys,
                                        Instant notBefore, Instant notAfter, boolean ca, boolean server) {
        try {
            V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
            tbs.setSerialNumber(new ASN1Integer(new BigInteger(64, RANDOM).add(BigInteger.ONE)));
            tbs.setSignature(ECDSA_SHA256);
            tbs.setIssuer(X500Name.getInstance(issuer.getEncoded()));
            tbs.setSubject(X500Name.getInstance(new X500Principal(subject).getEncoded()));
            tbs.setStartDate(new Time(Date.from(notBefore)));
            tbs.setEndDate(new Time(Date.from(notAfter)));
            tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            extensions.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            if (server) {
                extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            }
            tbs.setExtensions(extensions.generate());
            TBSCertificate toBeSigned = tbs.generateTBSCertificate();
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(issuerKeys.getPrivate(), RANDOM);
            signature.update(toBeSigned.getEncoded("DER"));
            byte[] der = new DERSequence(new ASN1Encodable[] {
                toBeSigned, ECDSA_SHA256, new DERBitString(signature.sign())}).getEncoded("DER");
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }
}
