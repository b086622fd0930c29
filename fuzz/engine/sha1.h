// SHA-1 of a byte string as 40 lowercase hex digits: the name libFuzzer gives a finding
// ("crash-<sha1>") and the name of every corpus file.
#ifndef SEMFUZZ_FUZZ_SHA1_H_
#define SEMFUZZ_FUZZ_SHA1_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace semfuzz {

std::string sha1_hex(const std::uint8_t* data, std::size_t size);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_SHA1_H_
