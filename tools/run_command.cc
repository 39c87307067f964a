// tftrt run: runs a SavedModel signature on .npy/.npz inputs and writes .npy outputs.
#include <chrono>
#include <cstdio>

#include "commands.h"
#include "common/env.h"
#include "common/npy.h"
#include "model_flags.h"

namespace tftrt::cli {
namespace {

// Output keys become file names: keep them to one path component.
std::string FileNameFor(std::string name) {
  for (char& c : name) {
    if (c == '/' || c == '\\') c = '_';
  }
  return name + ".npy";
}

Status RunModel(const ParsedFlags& flags) {
  const std::string output_dir = flags.Get("output-dir");
  if (output_dir.empty()) return Status::InvalidArgument("--output-dir is required");
  TFTRT_ASSIGN_OR_RETURN(auto inputs, ReadInputs(flags));

  const auto load_start = std::chrono::steady_clock::now();
  TFTRT_ASSIGN_OR_RETURN(auto model, LoadModel(flags));
  const auto run_start = std::chrono::steady_clock::now();
  TFTRT_ASSIGN_OR_RETURN(auto outputs, model->Run(inputs));
  const auto run_end = std::chrono::steady_clock::now();

  Env* env = Env::Default();
  if (!env->IsDirectory(output_dir)) TFTRT_RETURN_IF_ERROR(env->CreateDir(output_dir));
  for (const auto& [name, tensor] : outputs) {
    const std::string path = JoinPath(output_dir, FileNameFor(name));
    TFTRT_RETURN_IF_ERROR(WriteNpyFile(path, tensor));
    std::printf("%s: %s -> %s\n", name.c_str(), tensor.DebugString().c_str(), path.c_str());
  }
  using Ms = std::chrono::duration<double, std::milli>;
  std::printf("load %.1f ms, run %.1f ms\n", Ms(run_start - load_start).count(),
              Ms(run_end - run_start).count());
  if (flags.Has("verbose")) PrintEngineReports(*model);
  return Status::Ok();
}

}  // namespace

Command RunCommand() {
  return {
      {.name = "run",
       .usage = "DIR (--inputs FILE.npz | --input NAME=FILE.npy ...) --output-dir OUT [options]",
       .summary = "Runs a SavedModel signature on tftrt's runtime. The inputs, by their "
                  "signature keys, come from a .npz archive or directory (--inputs) and "
                  "from .npy files (--input), each input once; each output is written to "
                  "OUT/<output key>.npy.",
       .flags = WithModelFlags(
           {{"output-dir", "OUT", "directory for the outputs (created if missing)"},
            {"verbose", "",
             "also print, per engine node, its backend, engine runs, native fallbacks and "
             "builds"}}),
       .min_positional = 1,
       .max_positional = 1},
      RunModel};
}

}  // namespace tftrt::cli
