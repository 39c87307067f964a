// Helpers shared by the fuzz targets (fuzz/*_fuzzer.cc).
//
// A target that reads several files (a SavedModel directory, a checkpoint's index and data
// shard) takes them packed into one input: each file is a 4-byte little-endian length and
// that many bytes, in an order the target fixes (fuzz/make_seeds.py packs the seeds the same
// way). A length past the end of the input takes what is left; files after the last one the
// input holds are absent. Everything goes into a MemEnv, so a target never touches the disk.
#ifndef TFTRT_FUZZ_FUZZ_HELPERS_H_
#define TFTRT_FUZZ_FUZZ_HELPERS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/mem_env.h"

namespace tftrt::fuzz {

// The fuzzer's input as bytes.
inline std::string_view AsBytes(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Unpacks `input` into files of `env` named `paths` (see above), creating their parent
// directories.
void WritePackedFiles(std::string_view input, const std::vector<std::string>& paths, MemEnv* env);

// Loads an engine blob as the runtime loads a saved engine (runtime/engine_assets.cc):
// deserialized for the cpu backend, then compiled. Errors are expected and ignored.
void LoadEngineBlob(std::string_view blob);

}  // namespace tftrt::fuzz

#endif  // TFTRT_FUZZ_FUZZ_HELPERS_H_
