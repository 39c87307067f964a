#include "fuzz_helpers.h"

#include <google/protobuf/stubs/logging.h>

#include <algorithm>

#include "backends/registry.h"
#include "common/check.h"
#include "common/checksum.h"
#include "common/logging.h"
#include "engine/engine_blob.h"
#include "savedmodel/coding.h"

namespace tftrt::fuzz {

void WritePackedFiles(std::string_view input, const std::vector<std::string>& paths, MemEnv* env) {
  for (const std::string& path : paths) {
    uint32_t size = 0;
    if (!GetFixed32(&input, &size)) return;
    const std::string_view contents = input.substr(0, std::min<size_t>(size, input.size()));
    input.remove_prefix(contents.size());
    TFTRT_CHECK(env->CreateDir(DirName(path)).ok());
    TFTRT_CHECK(env->WriteStringToFile(path, contents).ok());
  }
}

void LoadEngineBlob(std::string_view blob) {
  const EngineBackend& backend = CpuEngineBackend();
  auto network = DeserializeEngine(blob, backend);
  if (!network.ok()) return;
  auto engine = backend.Compile(std::move(network).value());
  (void)engine;
}

}  // namespace tftrt::fuzz

// libFuzzer calls this once, before the first input. Protobuf would log every invalid UTF-8
// string it meets in a mutated proto; the targets look for crashes, not for these. The
// readers route protobuf's log through tftrt's once (common/logging.h): done here first, it
// no longer replaces the silent handler set after it. Stored checksums are accepted whatever
// they are (common/checksum.h).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  tftrt::RouteProtobufLogs();
  google::protobuf::SetLogHandler(nullptr);
  tftrt::IgnoreChecksumsForFuzzing() = true;
  return 0;
}
