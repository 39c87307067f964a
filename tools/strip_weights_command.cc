// tftrt strip-weights: a weightless copy of a SavedModel (savedmodel/weightless.h), so that
// only the graph travels to where the model runs and randomize-weights makes its weights
// there.
#include <cstdio>

#include "commands.h"
#include "common/env.h"
#include "savedmodel/randomize_weights.h"

namespace tftrt::cli {
namespace {

Status StripWeightsMain(const ParsedFlags& flags) {
  StripWeightsOptions options;
  options.overwrite = flags.Has("overwrite");
  const std::string& in = flags.positional[0];
  const std::string& out = flags.positional[1];
  TFTRT_ASSIGN_OR_RETURN(StripWeightsStats stats, StripWeights(Env::Default(), in, out, options));
  std::printf("stripped %s tensors (%s bytes of values), kept %s; wrote %s bytes to %s\n",
              WithThousands(stats.stripped_tensors).c_str(),
              WithThousands(stats.stripped_bytes).c_str(),
              WithThousands(stats.kept_tensors).c_str(), WithThousands(stats.bytes_written).c_str(),
              out.c_str());
  return Status::Ok();
}

}  // namespace

Command StripWeightsCommand() {
  return {
      {.name = "strip-weights",
       .usage = "IN OUT [--overwrite]",
       .summary =
           "Copies SavedModel IN to OUT without the weights that randomize-weights makes, so "
           "that only the graph travels. Where the model runs (a benchmark machine, say), "
           "'tftrt randomize-weights OUT MODEL --seed N' then makes them: MODEL is "
           "byte-identical to what randomize-weights writes from IN with the same seed. OUT is "
           "written atomically (temporary directory + rename) and IN is never "
           "touched.\n"
           "\n"
           "OUT is IN with one difference under variables/:\n"
           "  variables/variables.*      a tensor bundle of only the tensors randomize-weights\n"
           "      copies unchanged (integer, bool, string and complex tensors and the object\n"
           "      graph _CHECKPOINTABLE_OBJECT_GRAPH);\n"
           "  variables/weightless.pbtxt the key, dtype and shape of every stripped (floating)\n"
           "      tensor, as text (proto/weightless.proto).\n"
           "saved_model.pb, assets/ and every other file are copied unchanged. The manifest "
           "marks OUT weightless: 'tftrt run', 'convert', 'inspect' and Model::Load refuse it "
           "and say to run randomize-weights first. Prints how many tensors were stripped "
           "(and their bytes) and kept, and the bytes written.",
       .flags = {{"overwrite", "", "replace OUT if it exists and is not empty"}},
       .min_positional = 2,
       .max_positional = 2},
      StripWeightsMain};
}

}  // namespace tftrt::cli
