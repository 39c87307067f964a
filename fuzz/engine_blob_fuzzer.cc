// Fuzzes loading one serialized engine (engine/engine_blob.h): its header alone, as the
// summary reads targets, then deserialized and compiled on the cpu backend, as the runtime
// loads a saved engine.
#include "engine/engine_blob.h"
#include "fuzz_helpers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view blob = tftrt::fuzz::AsBytes(data, size);
  auto target = tftrt::EngineBlobTarget(blob);
  (void)target;
  tftrt::fuzz::LoadEngineBlob(blob);
  return 0;
}
