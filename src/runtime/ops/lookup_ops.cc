// Lookup tables as TF resources: HashTableV2 / MutableHashTableV2 make a table handle,
// LookupTableImportV2 / InitializeTableV2 / InitializeTableFromTextFileV2 fill it,
// LookupTableFindV2 and LookupTableSizeV2 read it.
//
// A table node that the SavedModel's init op fills carries its table, made once at load
// (Node::constant holds the handle: runtime/table_initializer.h); every run then shares
// it. A table node without one makes a new, empty table each run, as a variable without
// a checkpoint value would.
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/env.h"
#include "graph/attrs.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"
#include "runtime/lookup_table.h"

namespace tftrt {
namespace {

template <bool kMutable>
Status HashTableKernel(OpKernelContext& ctx) {
  const Node& node = ctx.node();
  if (node.constant.is_valid()) {
    ctx.set_output(0, node.constant);
    return Status::Ok();
  }
  TFTRT_ASSIGN_OR_RETURN(DataType key_dtype, GetTypeAttr(node, "key_dtype"));
  TFTRT_ASSIGN_OR_RETURN(DataType value_dtype, GetTypeAttr(node, "value_dtype"));
  Tensor handle(DataType::kResource, {});
  handle.objects()[0] = std::make_shared<LookupTable>(node.name, key_dtype, value_dtype, kMutable);
  ctx.set_output(0, std::move(handle));
  return Status::Ok();
}

// LookupTableImportV2 / InitializeTableV2 (table, keys, values).
Status ImportKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  TFTRT_ASSIGN_OR_RETURN(LookupTable * table, TableFromHandle(ctx.input(0), 0));
  return table->Initialize(ctx.input(1), ctx.input(2)).WithContext(ctx.node().op);
}

Status FindKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  TFTRT_ASSIGN_OR_RETURN(LookupTable * table, TableFromHandle(ctx.input(0), 0));
  auto found = table->Find(ctx.input(1), ctx.input(2));
  if (!found.ok()) return found.status().WithContext(ctx.node().op);
  ctx.set_output(0, std::move(found).value());
  return Status::Ok();
}

Status SizeKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_ASSIGN_OR_RETURN(LookupTable * table, TableFromHandle(ctx.input(0), 0));
  ctx.set_output(0, Tensor::Scalar<int64_t>(table->size()));
  return Status::Ok();
}

// ---- Text files ----

// TF's TextFileIndex: a column, or the whole line (-2) or the line number (-1).
constexpr int64_t kWholeLine = -2;
constexpr int64_t kLineNumber = -1;

struct TextFileSpec {
  std::string path;
  int64_t key_index, value_index, vocab_size, offset;
  std::string delimiter;
};

// The lines of `contents` ("\n"-separated, a trailing "\r" dropped, as TF reads lines).
std::vector<std::string> SplitLines(const std::string& contents) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < contents.size()) {
    size_t end = contents.find('\n', start);
    if (end == std::string::npos) end = contents.size();
    std::string line = contents.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> SplitColumns(const std::string& line, const std::string& delimiter) {
  std::vector<std::string> columns;
  size_t start = 0;
  for (size_t found; (found = line.find(delimiter, start)) != std::string::npos;) {
    columns.push_back(line.substr(start, found - start));
    start = found + delimiter.size();
  }
  columns.push_back(line.substr(start));
  return columns;
}

// Element `i` of `out` from the text `field` of line `line_number`.
Status SetFromText(int64_t line_number, const std::string& field, Tensor& out, int64_t i) {
  auto bad = [&](const char* type) {
    return Status::InvalidArgument("Field " + field + " in line " + std::to_string(line_number) +
                                   " is not a valid " + type + ".");
  };
  errno = 0;
  char* end = nullptr;
  switch (out.dtype()) {
    case DataType::kString:
      out.flat<std::string>()[i] = field;
      return Status::Ok();
    case DataType::kInt64:
    case DataType::kInt32: {
      const long long v = std::strtoll(field.c_str(), &end, 10);
      if (field.empty() || *end != '\0' || errno != 0) return bad("int64");
      if (out.dtype() == DataType::kInt64) {
        out.flat<int64_t>()[i] = v;
      } else {
        if (v != static_cast<int32_t>(v)) return bad("int32");
        out.flat<int32_t>()[i] = static_cast<int32_t>(v);
      }
      return Status::Ok();
    }
    case DataType::kFloat:
    case DataType::kDouble: {
      const double v = std::strtod(field.c_str(), &end);
      if (field.empty() || *end != '\0') return bad("float");
      if (out.dtype() == DataType::kDouble) {
        out.flat<double>()[i] = v;
      } else {
        out.flat<float>()[i] = static_cast<float>(v);
      }
      return Status::Ok();
    }
    default:
      return Status::Unimplemented("text file tables of " + std::string(DataTypeName(out.dtype())) +
                                   " are not supported");
  }
}

// Column `index` of a line (or the line, or its number) into element `i` of `out`.
Status SetColumn(const TextFileSpec& spec, int64_t line_number, const std::string& line,
                 const std::vector<std::string>& columns, int64_t index, Tensor& out, int64_t i) {
  if (index == kLineNumber) {
    if (out.dtype() != DataType::kInt64) {
      return Status::InvalidArgument("the line number can only be an int64 key or value");
    }
    out.flat<int64_t>()[i] = line_number + spec.offset;
    return Status::Ok();
  }
  if (index == kWholeLine) return SetFromText(line_number, line, out, i);
  if (index < 0 || index >= static_cast<int64_t>(columns.size())) {
    return Status::InvalidArgument("Invalid number of columns in " + spec.path + " line " +
                                   std::to_string(line_number) + " (" + line +
                                   ") : expected at least " + std::to_string(index + 1) + " got " +
                                   std::to_string(columns.size()));
  }
  return SetFromText(line_number, columns[index], out, i);
}

// InitializeTableFromTextFileV2(table, filename): one entry per line of the file.
Status InitializeFromTextFileKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(LookupTable * table, TableFromHandle(ctx.input(0), 0));
  const Tensor& filename = ctx.input(1);
  if (filename.dtype() != DataType::kString || filename.rank() != 0) {
    return OpError(ctx, "filename should be a single string, but got " + filename.DebugString());
  }
  const Node& node = ctx.node();
  TextFileSpec spec;
  spec.path = filename.flat<std::string>()[0];
  TFTRT_ASSIGN_OR_RETURN(spec.key_index, GetIntAttr(node, "key_index"));
  TFTRT_ASSIGN_OR_RETURN(spec.value_index, GetIntAttr(node, "value_index"));
  TFTRT_ASSIGN_OR_RETURN(spec.vocab_size, GetIntAttrOr(node, "vocab_size", -1));
  TFTRT_ASSIGN_OR_RETURN(spec.delimiter, GetStringAttrOr(node, "delimiter", "\t"));
  TFTRT_ASSIGN_OR_RETURN(spec.offset, GetIntAttrOr(node, "offset", 0));
  if (spec.delimiter.size() != 1) return OpError(ctx, "delimiter should be only 1 char");
  if (spec.key_index < kWholeLine || spec.value_index < kWholeLine) {
    return OpError(ctx, "key_index and value_index must be >= -2");
  }
  auto contents = Env::Default()->ReadFileToString(spec.path);
  if (!contents.ok()) return OpError(ctx, contents.status().message());
  std::vector<std::string> lines = SplitLines(*contents);
  if (spec.vocab_size > 0) {
    if (static_cast<int64_t>(lines.size()) < spec.vocab_size) {
      return OpError(ctx, "Invalid vocab_size in " + spec.path + ": expected " +
                              std::to_string(spec.vocab_size) + " but got " +
                              std::to_string(lines.size()));
    }
    lines.resize(spec.vocab_size);
  }
  const auto count = static_cast<int64_t>(lines.size());
  Tensor keys(table->key_dtype(), {count});
  Tensor values(table->value_dtype(), {count});
  for (int64_t i = 0; i < count; ++i) {
    const std::vector<std::string> columns = SplitColumns(lines[i], spec.delimiter);
    Status status = SetColumn(spec, i, lines[i], columns, spec.key_index, keys, i);
    if (status.ok()) status = SetColumn(spec, i, lines[i], columns, spec.value_index, values, i);
    if (!status.ok()) return OpError(ctx, status.message());
  }
  return table->Initialize(keys, values).WithContext(ctx.node().op);
}

}  // namespace

void RegisterLookupOps(KernelRegistry& registry) {
  registry.Register("HashTableV2", HashTableKernel<false>);
  registry.Register("MutableHashTableV2", HashTableKernel<true>);
  registry.Register("LookupTableImportV2", ImportKernel);
  registry.Register("InitializeTableV2", ImportKernel);
  registry.Register("InitializeTableFromTextFileV2", InitializeFromTextFileKernel);
  registry.Register("LookupTableFindV2", FindKernel);
  registry.Register("LookupTableSizeV2", SizeKernel);
}

}  // namespace tftrt
