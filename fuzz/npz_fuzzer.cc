// Fuzzes the .npz reader (common/npz.h): the zip container (zip64 records, stored and
// deflated members, CRC-32s) and every member's .npy.
#include "common/npz.h"
#include "fuzz_helpers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto arrays = tftrt::ParseNpz(std::string(tftrt::fuzz::AsBytes(data, size)), "input.npz");
  (void)arrays;
  return 0;
}
