#include "ops_markdown.h"

#include <sstream>
#include <vector>

#include "engine/ops/op_converter.h"
#include "graph/op_defs.h"
#include "runtime/engine_op.h"

namespace tftrt::cli {
namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

std::string EngineDtypes(unsigned dtypes) {
  std::vector<std::string> names;
  if (dtypes & engine_dtypes::kFloat) names.insert(names.end(), {"float32", "float16"});
  if (dtypes & engine_dtypes::kInt32) names.push_back("int32");
  if (dtypes & engine_dtypes::kBool) names.push_back("bool");
  return Join(names);
}

// The OpDef's name of input `index` (negative: from the end), or "input <index>" where a
// list argument before it makes the position ambiguous.
std::string InputName(const std::string& op, int index) {
  const tensorflow::OpDef* op_def = OpDefs::Builtin().Find(op);
  const int num_args = op_def == nullptr ? 0 : op_def->input_arg_size();
  const int arg = index < 0 ? num_args + index : index;
  if (arg < 0 || arg >= num_args) return "input " + std::to_string(index);
  for (int i = index < 0 ? arg + 1 : 0; i < (index < 0 ? num_args : arg); ++i) {
    const auto& before = op_def->input_arg(i);
    if (!before.number_attr().empty() || !before.type_list_attr().empty()) {
      return "input " + std::to_string(index);
    }
  }
  return op_def->input_arg(arg).name();
}

std::string InputNames(const std::string& op, const std::vector<int>& indices) {
  std::vector<std::string> names;
  for (int index : indices) names.push_back(InputName(op, index));
  return Join(names);
}

// "| a | b | |": a markdown table row.
std::string TableRow(const std::vector<std::string>& cells) {
  std::string row = "|";
  for (const std::string& cell : cells) row += cell.empty() ? " |" : " " + cell + " |";
  return row + "\n";
}

// An op's row: | op | engines | dtypes | constant inputs | shape inputs | conditions |.
std::string Row(const std::string& op) {
  // The segmenter clusters constants with the nodes that read them (as TF-TRT does).
  if (op == "Const")
    return TableRow({op, "yes (as weights)", "those its readers take", "", "", ""});
  const OpConverter* converter = ConverterTable::Global().Find(op);
  if (converter == nullptr) return TableRow({op, "no", "", "", "", ""});
  if (IsIdentityLike(op)) return TableRow({op, "yes (aliased)", "any", "", "", ""});
  return TableRow({op, "yes", EngineDtypes(converter->dtypes),
                   InputNames(op, converter->weight_inputs),
                   InputNames(op, converter->shape_inputs),
                   converter->conditions == nullptr ? "" : converter->conditions});
}

}  // namespace

std::string OpsMarkdown() {
  const std::vector<std::string> ops = RuntimeOps();
  int engine_ops = 0;
  for (const std::string& op : ops) engine_ops += ConverterTable::Global().Find(op) ? 1 : 0;
  std::ostringstream out;
  out << "# Ops\n\n"
      << "<!-- Generated from tftrt's registries by `tftrt ops --markdown`; do not edit.\n"
      << "     Regenerate: build/tftrt ops --markdown > docs/ops.md -->\n\n"
      << "tftrt's runtime runs these " << ops.size() << " TensorFlow ops natively (on the CPU); "
      << "engines take " << engine_ops << " of them. The segmenter puts a node into an engine "
      << "when its tensors have the engine dtypes listed, its constant inputs are constants "
      << "in the graph, its shape inputs are constants or computed from the input shapes "
      << "inside the engine, and the conditions on its attributes hold; every other node "
      << "runs natively, and `tftrt summary` says why. A backend may still keep an op "
      << "native where it has no kernel for it (the summary reports it as unsupported by "
      << "the engine backend).\n\n"
      << TableRow(
             {"Op", "Engines", "Engine dtypes", "Constant inputs", "Shape inputs", "Conditions"})
      << TableRow({"---", "---", "---", "---", "---", "---"});
  for (const std::string& op : ops) out << Row(op);
  return out.str();
}

}  // namespace tftrt::cli
