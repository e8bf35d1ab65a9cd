#ifndef CLEARLINE_CSSL_SHIM_H
#define CLEARLINE_CSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <openssl/err.h>

/* Why: OpenSSL 3's one-shot SHA256() fetches the digest from its provider on every call, about
   9,000 instructions for an API key's 60 bytes (callgrind; every authenticated request hashes its
   token); the SHA256_* block functions run the same digest directly. They are deprecated since 3.0
   but still exported, so the warning is silenced for this wrapper only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static inline void cssl_sha256_direct(const unsigned char *data, size_t count, unsigned char *digest) {
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, data, count);
  SHA256_Final(digest, &context);
}
#pragma GCC diagnostic pop
/* Why: EVP_sha256 returns a const pointer Swift sees as OpaquePointer; a named wrapper keeps call sites short. */
static inline const EVP_MD *cssl_sha256(void) { return EVP_sha256(); }
/* Why: EVP_CTRL_GCM_* are macros; named wrappers keep the tag handling readable in Swift. */
static inline int cssl_gcm_set_ivlen(EVP_CIPHER_CTX *c, int len) { return EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, len, NULL); }
static inline int cssl_gcm_get_tag(EVP_CIPHER_CTX *c, unsigned char *tag) { return EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag); }
static inline int cssl_gcm_set_tag(EVP_CIPHER_CTX *c, unsigned char *tag) { return EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag); }
/* Why: OpenSSL frees its global state in an atexit handler, while a thread of a shutting-down
   server (an HTTP executor, libcurl's) may still be inside libcrypto: a segfault at exit. A
   long-running process asks OpenSSL to leave its state alone at exit; the OS reclaims it. */
static inline int cssl_init_without_atexit(void) { return OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL); }
#endif
