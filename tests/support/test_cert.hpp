#pragma once
#include <string>

namespace cpc::test {

// A throw-away self-signed certificate for 127.0.0.1 / localhost, made at test time with the
// OpenSSL API and written as PEM files into a fresh temporary directory (removed by the
// destructor). Clients trust it through TlsOptions::extraCaFile = certFile.
struct TestCertificate {
    std::string dir;
    std::string certFile;
    std::string keyFile;

    enum class Validity { Current, Expired };
    // Generates; ADD_FAILURE on error. Expired: valid from three days ago until yesterday.
    explicit TestCertificate(Validity validity = Validity::Current);
    ~TestCertificate();
    TestCertificate(const TestCertificate&) = delete;
    TestCertificate& operator=(const TestCertificate&) = delete;
};

}  // namespace cpc::test
