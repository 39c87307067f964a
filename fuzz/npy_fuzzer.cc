// Fuzzes the .npy reader (common/npy.h). An array that parses must also write back and
// read again as the same array: the writer's output is what the reader is for.
#include "common/check.h"
#include "common/npy.h"
#include "fuzz_helpers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tftrt;
  auto tensor = ParseNpy(std::string(fuzz::AsBytes(data, size)), "input.npy");
  if (!tensor.ok()) return 0;
  auto bytes = SerializeNpy(*tensor);
  TFTRT_CHECK(bytes.ok());
  auto again = ParseNpy(*bytes, "rewritten.npy");
  TFTRT_CHECK(again.ok());
  TFTRT_CHECK(again->dtype() == tensor->dtype() && again->shape() == tensor->shape());
  return 0;
}
