// tftrt randomize-weights: a copy of a SavedModel with seeded random weights, so that a
// benchmark can recreate a model from its graph alone (savedmodel/randomize_weights.h).
#include <charconv>
#include <cstdio>

#include "commands.h"
#include "common/env.h"
#include "savedmodel/randomize_weights.h"

namespace tftrt::cli {
namespace {

Status RandomizeWeightsMain(const ParsedFlags& flags) {
  RandomizeWeightsOptions options;
  options.overwrite = flags.Has("overwrite");
  if (flags.Has("seed")) {
    const std::string text = flags.Get("seed");
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), options.seed);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
      return Status::InvalidArgument("--seed must be an integer from 0 to 2^64-1, got '" + text +
                                     "'");
    }
  }
  const std::string& in = flags.positional[0];
  const std::string& out = flags.positional[1];
  TFTRT_ASSIGN_OR_RETURN(RandomizeWeightsStats stats,
                         RandomizeWeights(Env::Default(), in, out, options));
  std::printf("randomized %s tensors (%s values), copied %s unchanged; wrote %s bytes to %s\n",
              WithThousands(stats.randomized_tensors).c_str(),
              WithThousands(stats.randomized_values).c_str(),
              WithThousands(stats.unchanged_tensors).c_str(),
              WithThousands(stats.bytes_written).c_str(), out.c_str());
  return Status::Ok();
}

}  // namespace

Command RandomizeWeightsCommand() {
  return {
      {.name = "randomize-weights",
       .usage = "IN OUT [--seed N] [--overwrite]",
       .summary =
           "Copies SavedModel IN to OUT with every variable replaced by seeded random values of "
           "the same dtype and shape, so that a benchmark can recreate a model's weights from "
           "its graph alone (as trtexec does). The same IN and --seed give byte-identical files "
           "on any machine. OUT is written atomically (temporary directory + rename) and IN is "
           "never touched; saved_model.pb, assets/ and every other file are copied unchanged.\n"
           "\n"
           "The rule, per tensor of variables/variables.index:\n"
           "  float32, float64, float16, bfloat16: uniform in [-a, a], a = sqrt(3 / fan_in)\n"
           "      where fan_in is the product of all dims but the last (rank >= 2), and\n"
           "      a = 0.1 for scalars and vectors (biases, betas, moving means);\n"
           "  except variables named *variance, moving_var, running_var (batch-norm\n"
           "      variances), gamma or scale: uniform in [0.5, 1.5];\n"
           "  integer, bool, string and complex tensors, and the checkpoint's object graph\n"
           "      (_CHECKPOINTABLE_OBJECT_GRAPH): copied unchanged.\n"
           "A variable's name is its name in the checkpoint's object graph (Keras: "
           "'conv1_bn/moving_variance'), else its checkpoint key. IN may be a weightless model "
           "from 'tftrt strip-weights', which lists the floating tensors without their values: "
           "OUT is then byte-identical to what IN's full model gives with the same --seed. "
           "Prints how many tensors were "
           "randomized and copied, and the bytes written. Randomize before 'tftrt convert': "
           "engines pre-built into a converted model's assets/ keep the weights they were built "
           "with.",
       .flags = {{"seed", "N", "seed of the random values (default 0)"},
                 {"overwrite", "", "replace OUT if it exists and is not empty"}},
       .min_positional = 2,
       .max_positional = 2},
      RandomizeWeightsMain};
}

}  // namespace tftrt::cli
