// Debugging and logging ops: CheckNumerics / CheckNumericsV2 (fail on Inf / NaN with TF's
// message), StringFormat (tensors summarized as TF's Tensor::SummarizeValue with
// print_v2 does) and PrintV2 (what tf.print lowers to: StringFormat, then PrintV2 writes
// the string to stderr or stdout). Formats follow tensorflow/core/framework/tensor.cc,
// kernels/check_numerics_op.cc, string_format_op.cc and logging_ops.cc.
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "graph/attrs.h"
#include "kernels/cpu/elementwise.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace {

// ---- CheckNumerics ----

// Which anomalies a tensor holds.
struct Anomalies {
  bool negative_inf = false, positive_inf = false, nan = false;
};

StatusOr<Anomalies> FindAnomalies(const OpKernelContext& ctx) {
  const Tensor& tensor = ctx.input(0);
  Anomalies found;
  auto scan = [&](auto read) {
    for (int64_t i = 0; i < tensor.NumElements(); ++i) {
      const double value = read(i);
      found.nan = found.nan || std::isnan(value);
      found.positive_inf = found.positive_inf || value == INFINITY;
      found.negative_inf = found.negative_inf || value == -INFINITY;
    }
  };
  switch (tensor.dtype()) {
    case DataType::kFloat:
      scan([&](int64_t i) { return static_cast<double>(tensor.flat<float>()[i]); });
      break;
    case DataType::kDouble:
    case DataType::kHalf:
    case DataType::kBFloat16:
      scan([&](int64_t i) { return tensor.ElementAsDouble(i); });
      break;
    default:
      return OpError(ctx, "unsupported dtype " + std::string(DataTypeName(tensor.dtype())) +
                              " (CheckNumerics takes half, bfloat16, float and double)");
  }
  return found;
}

// "Inf and NaN" (V1) or "-Inf, +Inf, and NaN" (V2, which tells the signs apart).
std::string DescribeAnomalies(const Anomalies& found, bool signed_inf) {
  std::vector<std::string> names;
  if (signed_inf) {
    if (found.negative_inf) names.push_back("-Inf");
    if (found.positive_inf) names.push_back("+Inf");
  } else if (found.negative_inf || found.positive_inf) {
    names.push_back("Inf");
  }
  if (found.nan) names.push_back("NaN");
  if (names.size() == 3) return names[0] + ", " + names[1] + ", and " + names[2];
  if (names.size() == 2) return names[0] + " and " + names[1];
  return names.empty() ? "" : names[0];
}

Status CheckNumericsImpl(OpKernelContext& ctx, bool signed_inf) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_ASSIGN_OR_RETURN(std::string message, GetStringAttrOr(ctx.node(), "message", ""));
  TFTRT_ASSIGN_OR_RETURN(Anomalies found, FindAnomalies(ctx));
  const std::string description = DescribeAnomalies(found, signed_inf);
  if (!description.empty()) {
    // TF's message, verbatim: the executor names the node.
    return Status::InvalidArgument(message + " : Tensor had " + description + " values");
  }
  ctx.set_output(0, ctx.TakeInput(0));
  return Status::Ok();
}

Status CheckNumerics(OpKernelContext& ctx) { return CheckNumericsImpl(ctx, false); }
Status CheckNumericsV2(OpKernelContext& ctx) { return CheckNumericsImpl(ctx, true); }

// ---- StringFormat ----

// TF's FloatToBuffer / DoubleToBuffer: the shortest of %.{DIG}g and %.{DIG+extra}g that
// reads back as the same value; NaN as "nan" or "-nan".
template <typename T>
std::string FormatFloat(T value) {
  if (std::isnan(value)) return std::signbit(value) ? "-nan" : "nan";
  constexpr int kDigits = std::is_same_v<T, float> ? FLT_DIG : DBL_DIG;
  constexpr int kExtra = std::is_same_v<T, float> ? 3 : 2;
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*g", kDigits, static_cast<double>(value));
  const T parsed = std::is_same_v<T, float> ? std::strtof(buffer, nullptr)
                                            : static_cast<T>(std::strtod(buffer, nullptr));
  if (parsed != value) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", kDigits + kExtra, static_cast<double>(value));
  }
  return buffer;
}

// A string element as print_v2 shows it: quoted, C-escaped (bytes >= 0x80 kept).
std::string QuoteString(const std::string& value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char octal[8];
          std::snprintf(octal, sizeof(octal), "\\%03o", c);
          out += octal;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

StatusOr<std::string> FormatElement(const Tensor& tensor, int64_t i) {
  switch (tensor.dtype()) {
    case DataType::kFloat:
      return FormatFloat(tensor.flat<float>()[i]);
    case DataType::kHalf:
    case DataType::kBFloat16:  // TF prints 16-bit floats as the float they widen to
      return FormatFloat(static_cast<float>(tensor.ElementAsDouble(i)));
    case DataType::kDouble:
      return FormatFloat(tensor.flat<double>()[i]);
    case DataType::kBool:
      return std::string(tensor.flat<bool>()[i] ? "1" : "0");
    case DataType::kString:
      return QuoteString(tensor.flat<std::string>()[i]);
    case DataType::kUInt64:
      return std::to_string(tensor.flat<uint64_t>()[i]);
    case DataType::kInt8:
    case DataType::kUInt8:
    case DataType::kInt16:
    case DataType::kUInt16:
    case DataType::kInt32:
    case DataType::kUInt32:
    case DataType::kInt64:
      return std::to_string(tensor.ElementAsInt64(i));
    default:
      return Status::Unimplemented("StringFormat: cannot format a " +
                                   std::string(DataTypeName(tensor.dtype())) + " tensor");
  }
}

// Appends one dimension of TF's print_v2 summary: "[a b ... y z]", nested rows separated
// by newlines and indented, `ends` elements kept at each end of every dimension.
class Summarizer {
 public:
  Summarizer(const Tensor& tensor, int64_t ends) : tensor_(tensor), ends_(ends) {}

  Status Dimension(int dim, int64_t offset, std::string& out) const {
    const int rank = tensor_.rank();
    if (dim == rank) {
      TFTRT_ASSIGN_OR_RETURN(std::string element, FormatElement(tensor_, offset));
      out += element;
      return Status::Ok();
    }
    const int64_t count = tensor_.dim(dim);
    const int64_t stride = array_ops::DimsProduct(tensor_.shape(), dim + 1, rank);
    out += "[";
    for (int64_t i = 0; i < ends_ && i < count; ++i) {
      if (i > 0) Spacing(dim, out);
      TFTRT_RETURN_IF_ERROR(Dimension(dim + 1, offset + i * stride, out));
    }
    if (count > 2 * ends_) {
      Spacing(dim, out);
      out += "...";
    }
    for (int64_t i = std::max(ends_, count - ends_); i < count; ++i) {
      Spacing(dim, out);
      TFTRT_RETURN_IF_ERROR(Dimension(dim + 1, offset + i * stride, out));
    }
    out += "]";
    return Status::Ok();
  }

 private:
  void Spacing(int dim, std::string& out) const {
    const int rank = tensor_.rank();
    if (dim == rank - 1) {
      out += " ";
      return;
    }
    out.append(rank - dim - 1, '\n');
    out.append(dim + 1, ' ');
  }

  const Tensor& tensor_;
  int64_t ends_;
};

// TF's Tensor::SummarizeValue(summarize, /*print_v2=*/true).
StatusOr<std::string> SummarizeTensor(const Tensor& tensor, int64_t summarize) {
  const int64_t count = tensor.NumElements();
  const int64_t limit = summarize < 0 ? count : std::min(summarize, count);
  std::string out;
  if (tensor.rank() == 0) {
    if (limit > 0) {
      TFTRT_ASSIGN_OR_RETURN(out, FormatElement(tensor, 0));
    }
    if (count > limit) out += "...";
    return out;
  }
  TFTRT_RETURN_IF_ERROR(Summarizer(tensor, limit).Dimension(0, 0, out));
  return out;
}

// The template split at each placeholder (absl::StrSplit with a string delimiter).
std::vector<std::string> SplitTemplate(const std::string& text, const std::string& placeholder) {
  std::vector<std::string> pieces;
  size_t start = 0;
  for (size_t found;
       !placeholder.empty() && (found = text.find(placeholder, start)) != std::string::npos;) {
    pieces.push_back(text.substr(start, found - start));
    start = found + placeholder.size();
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

Status StringFormat(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(std::string text, GetStringAttrOr(ctx.node(), "template", "%s"));
  TFTRT_ASSIGN_OR_RETURN(std::string placeholder, GetStringAttrOr(ctx.node(), "placeholder", "%s"));
  TFTRT_ASSIGN_OR_RETURN(int64_t summarize, GetIntAttrOr(ctx.node(), "summarize", 3));
  const std::vector<std::string> pieces = SplitTemplate(text, placeholder);
  const int num_inputs = ctx.num_inputs();
  if (static_cast<int>(pieces.size()) - 1 != num_inputs) {
    return OpError(ctx, "num placeholders in template and num inputs must match: " +
                            std::to_string(pieces.size() - 1) + " vs. " +
                            std::to_string(num_inputs));
  }
  std::string message;
  for (size_t i = 0; i < pieces.size(); ++i) {
    message += pieces[i];
    if (static_cast<int>(i) < num_inputs) {
      TFTRT_ASSIGN_OR_RETURN(std::string summary, SummarizeTensor(ctx.input(i), summarize));
      message += summary;
    }
  }
  ctx.set_output(0, Tensor::Scalar<std::string>(std::move(message)));
  return Status::Ok();
}

// ---- PrintV2 ----

Status PrintV2(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  if (input.dtype() != DataType::kString || input.rank() != 0) {
    return OpError(ctx, "Input is expected to be scalar, but got " + ShapeToString(input.shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::string stream,
                         GetStringAttrOr(ctx.node(), "output_stream", "stderr"));
  TFTRT_ASSIGN_OR_RETURN(std::string end, GetStringAttrOr(ctx.node(), "end", "\n"));
  const std::string line = input.flat<std::string>()[0] + end;
  if (stream == "stdout") {
    std::cout << line << std::flush;
  } else if (stream == "stderr" || stream == "log(info)" || stream == "log(warning)" ||
             stream == "log(error)") {
    // TF's log(...) streams go through its logger, which writes to stderr.
    std::cerr << line << std::flush;
  } else if (stream.starts_with("file://")) {
    return OpUnimplemented(ctx,
                           "output_stream " + stream + " (appending to a file) is not supported");
  } else {
    return OpError(ctx, "Unknown output stream: " + stream +
                            ", Valid streams are: stdout, stderr, log(info), log(warning), "
                            "log(error), file://<filename>");
  }
  return Status::Ok();
}

}  // namespace

void RegisterLoggingOps(KernelRegistry& registry) {
  registry.Register("CheckNumerics", CheckNumerics);
  registry.Register("CheckNumericsV2", CheckNumericsV2);
  registry.Register("StringFormat", StringFormat);
  registry.Register("PrintV2", PrintV2);
}

}  // namespace tftrt
