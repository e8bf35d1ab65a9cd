#ifndef CLEARLINE_CSSL_SHIM_H
#define CLEARLINE_CSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <openssl/err.h>

/* Why: EVP_sha256 returns a const pointer Swift sees as OpaquePointer; a named wrapper keeps call sites short. */
static inline const EVP_MD *cssl_sha256(void) { return EVP_sha256(); }
#endif
