// The decode half of fuzz/tools/golden.cc (fuzz/tests/golden/decode.txt).
#ifndef SEMFUZZ_FUZZ_TOOLS_GOLDEN_DECODE_H_
#define SEMFUZZ_FUZZ_TOOLS_GOLDEN_DECODE_H_

#include <string>

namespace semfuzz {

// Recomputes decode.txt from its comments and "input <hex bytes>" lines: after each input line,
// the decoded program, the choices the byte stream made and the verdict.
std::string golden_decode_text(const std::string& recorded);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_TOOLS_GOLDEN_DECODE_H_
