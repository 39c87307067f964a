// Fuzzes an engine node's asset file (engine/engine_cache_file.h): the container, then
// every engine in it loaded as the runtime does.
#include "engine/engine_cache_file.h"
#include "fuzz_helpers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto blobs = tftrt::ParseEngineCacheFile(tftrt::fuzz::AsBytes(data, size));
  if (!blobs.ok()) return 0;
  for (const std::string& blob : *blobs) tftrt::fuzz::LoadEngineBlob(blob);
  return 0;
}
