#include "support/test_cert.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace cpc::test {

namespace {

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
    void operator()(std::FILE* f) const { std::fclose(f); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

std::string opensslError(const std::string& what) {
    const unsigned long e = ERR_get_error();
    char buf[256] = "unknown error";
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    return what + ": " + buf;
}

bool addExtension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// Self-signed P-256 certificate for 127.0.0.1 and localhost, valid from an hour ago for two days
// (expired: from three days ago until a day ago).
std::string generate(const std::string& certFile, const std::string& keyFile, bool expired) {
    Owned<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) return opensslError("EC P-256 key generation failed");
    Owned<X509> cert(X509_new());
    if (!cert) return opensslError("X509_new failed");
    X509_set_version(cert.get(), 2);  // v3, for extensions
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()),
                     static_cast<long>(std::random_device{}() & 0x7FFFFFFF) + 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), expired ? -3L * 24 * 3600 : -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), expired ? -24L * 3600 : 2L * 24 * 3600);
    if (X509_set_pubkey(cert.get(), key.get()) != 1) return opensslError("X509_set_pubkey failed");
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("CanvasProChart tests"),
                               -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1,
                               -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (!addExtension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") ||
        !addExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
        !addExtension(cert.get(), NID_subject_key_identifier, "hash"))
        return opensslError("adding X509v3 extensions failed");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return opensslError("X509_sign failed");

    Owned<std::FILE> kf(std::fopen(keyFile.c_str(), "wb"));
    if (!kf) return "cannot create " + keyFile;
    if (PEM_write_PrivateKey(kf.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return opensslError("writing the key PEM failed");
    Owned<std::FILE> cf(std::fopen(certFile.c_str(), "wb"));
    if (!cf) return "cannot create " + certFile;
    if (PEM_write_X509(cf.get(), cert.get()) != 1) return opensslError("writing the certificate PEM failed");
    return {};
}

}  // namespace

TestCertificate::TestCertificate(Validity validity) {
    std::string pattern = (std::filesystem::temp_directory_path() / "cpc-test-cert-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
        ADD_FAILURE() << "mkdtemp failed for " << pattern;
        return;
    }
    dir = pattern;
    certFile = dir + "/cert.pem";
    keyFile = dir + "/key.pem";
    if (const std::string error = generate(certFile, keyFile, validity == Validity::Expired); !error.empty())
        ADD_FAILURE() << "TestCertificate: " << error;
}

TestCertificate::~TestCertificate() {
    if (dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace cpc::test
