import COpenSSL

/// AES-256-GCM with a random 96-bit nonce per message. A sealed box is `nonce ‖ ciphertext ‖ tag`.
/// The associated data is authenticated but not stored: whoever opens must name it again, so a
/// box moved to another context (tenant, connection, field, version) fails to open.
public enum AESGCM {
    public static let keySize = 32
    static let nonceSize = 12
    static let tagSize = 16

    public enum Failure: Error, Equatable {
        case badKey
        /// Wrong key, wrong associated data, or a changed box: GCM cannot tell these apart.
        case authenticationFailed
        case malformed
    }

    public static func seal(_ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        guard key.count == keySize else { throw Failure.badKey }
        let nonce = SecureRandom.bytes(nonceSize)
        guard let context = EVP_CIPHER_CTX_new() else { throw Failure.malformed }
        defer { EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: tagSize)
        var written: Int32 = 0, total = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            cssl_gcm_set_ivlen(context, Int32(nonceSize)) == 1,
            EVP_EncryptInit_ex(context, nil, nil, key, nonce) == 1,
            associatedData.isEmpty || EVP_EncryptUpdate(context, nil, &written, associatedData, Int32(associatedData.count)) == 1
        else { throw Failure.malformed }
        if !plaintext.isEmpty {
            guard EVP_EncryptUpdate(context, &output, &written, plaintext, Int32(plaintext.count)) == 1 else { throw Failure.malformed }
            total = Int(written)
        }
        let finished = output.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(context, $0.baseAddress! + total, &written) }
        guard finished == 1, cssl_gcm_get_tag(context, &tag) == 1 else { throw Failure.malformed }
        total += Int(written)
        return nonce + output.prefix(total) + tag
    }

    public static func open(_ box: [UInt8], key: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        guard key.count == keySize else { throw Failure.badKey }
        guard box.count >= nonceSize + tagSize else { throw Failure.malformed }
        let nonce = Array(box.prefix(nonceSize))
        let ciphertext = Array(box[nonceSize..<(box.count - tagSize)])
        var tag = Array(box.suffix(tagSize))
        guard let context = EVP_CIPHER_CTX_new() else { throw Failure.malformed }
        defer { EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var written: Int32 = 0, total = 0
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            cssl_gcm_set_ivlen(context, Int32(nonceSize)) == 1,
            EVP_DecryptInit_ex(context, nil, nil, key, nonce) == 1,
            associatedData.isEmpty || EVP_DecryptUpdate(context, nil, &written, associatedData, Int32(associatedData.count)) == 1
        else { throw Failure.malformed }
        if !ciphertext.isEmpty {
            guard EVP_DecryptUpdate(context, &output, &written, ciphertext, Int32(ciphertext.count)) == 1 else { throw Failure.malformed }
            total = Int(written)
        }
        guard cssl_gcm_set_tag(context, &tag) == 1 else { throw Failure.malformed }
        let verified = output.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(context, $0.baseAddress! + total, &written) }
        guard verified == 1 else { throw Failure.authenticationFailed }
        return Array(output.prefix(total + Int(written)))
    }
}
