// String ops, as TensorFlow's CPU kernels compute them:
// - StringLower / StringUpper: encoding "" changes ASCII letters only; "utf-8" maps full
//   Unicode case through ICU, as TF does (the string read up to its first NUL, invalid
//   UTF-8 becoming U+FFFD).
// - StaticRegexReplace / RegexReplace: RE2, RE2's rewrite syntax (\0..\9, \\), every
//   match (replace_global) or the first.
// - StringSplitV2: Python's str.split: a separator splits at each occurrence (empty
//   tokens kept); sep "" splits at runs of ASCII whitespace and drops empty tokens;
//   maxsplit > 0 leaves the rest of the string as the last token.
// - StringStrip: leading and trailing ASCII whitespace removed.
// - StringJoin: elementwise concatenation with a separator, scalars broadcast.
// - StringToHashBucketFast / Strong / StringToHashBucket: farmhash Fingerprint64,
//   SipHash-2-4 under `key`, TF's legacy Hash64; each modulo num_buckets.
// RE2 and ICU are optional at build time: without them the ops that need them fail with
// an error naming the missing library.
#include <algorithm>
#include <cctype>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/optional_library.h"
#include "graph/attrs.h"
#include "kernels/cpu/string_hash.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

#ifdef TFTRT_HAVE_RE2
#include <re2/re2.h>
#endif
#ifdef TFTRT_HAVE_ICU
#include <unicode/unistr.h>
#endif

namespace tftrt {
namespace {

// Checks that input `index` is a string tensor.
Status CheckStringInput(const OpKernelContext& ctx, int index) {
  if (ctx.input(index).dtype() != DataType::kString) {
    return OpError(ctx, "input " + std::to_string(index) + " must be a string tensor, got " +
                            ctx.input(index).DebugString());
  }
  return Status::Ok();
}

// A string tensor of `input`'s shape, element i being fn(input[i]).
template <typename Fn>
Tensor MapStrings(const Tensor& input, Fn&& fn) {
  Tensor out(DataType::kString, input.shape());
  const std::string* in = input.flat<std::string>();
  std::string* dst = out.flat<std::string>();
  for (int64_t i = 0; i < input.NumElements(); ++i) dst[i] = fn(in[i]);
  return out;
}

// A scalar string input (pattern, rewrite, sep), with TF's error for another shape.
StatusOr<std::string> ScalarStringInput(const OpKernelContext& ctx, int index,
                                        std::string_view what) {
  TFTRT_RETURN_IF_ERROR(CheckStringInput(ctx, index));
  const Tensor& t = ctx.input(index);
  if (t.rank() != 0) {
    return OpError(ctx,
                   std::string(what) + " must be a scalar, got shape: " + ShapeToString(t.shape()));
  }
  return t.flat<std::string>()[0];
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// ---- Case ----

enum class Case { kLower, kUpper };

std::string AsciiCase(std::string s, Case to) {
  for (char& c : s) {
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(to == Case::kLower ? std::tolower(u) : std::toupper(u));
  }
  return s;
}

template <Case kTo>
Status StringCaseKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_RETURN_IF_ERROR(CheckStringInput(ctx, 0));
  TFTRT_ASSIGN_OR_RETURN(std::string encoding, GetStringAttrOr(ctx.node(), "encoding", ""));
  if (encoding.empty()) {
    ctx.set_output(0, MapStrings(ctx.input(0), [](const std::string& s) {
                     // std::tolower in the "C" locale: ASCII letters only, as absl's.
                     return AsciiCase(s, kTo);
                   }));
    return Status::Ok();
  }
  if (encoding != "utf-8") {
    return OpError(ctx, "only utf-8 or '' (no encoding) is supported, received " + encoding);
  }
#ifdef TFTRT_HAVE_ICU
  ctx.set_output(0, MapStrings(ctx.input(0), [](const std::string& s) {
                   // As TF: the C string (up to a NUL) decoded by ICU's UTF-8 converter.
                   icu::UnicodeString text(s.c_str(), "UTF-8");
                   if (kTo == Case::kLower) {
                     text.toLower();
                   } else {
                     text.toUpper();
                   }
                   std::string out;
                   text.toUTF8String(out);
                   return out;
                 }));
  return Status::Ok();
#else
  return OpUnimplemented(ctx, MissingLibraryMessage("encoding 'utf-8'", "ICU", "libicu-dev"));
#endif
}

// ---- Regular expressions ----

#ifdef TFTRT_HAVE_RE2
// Compiled patterns, shared by every run and thread (RE2 matching is thread-safe); at
// most kCapacity are kept, the least recently used dropped first.
class PatternCache {
 public:
  StatusOr<std::shared_ptr<const re2::RE2>> Get(const std::string& pattern) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(pattern);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return it->second->second;
    }
    auto re = std::make_shared<const re2::RE2>(pattern, re2::RE2::Quiet);
    if (!re->ok()) {
      return Status::InvalidArgument("Invalid pattern: " + pattern + ", error: " + re->error());
    }
    order_.emplace_front(pattern, re);
    index_[pattern] = order_.begin();
    if (order_.size() > kCapacity) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    return std::shared_ptr<const re2::RE2>(re);
  }

 private:
  static constexpr size_t kCapacity = 64;
  using Entry = std::pair<std::string, std::shared_ptr<const re2::RE2>>;
  std::mutex mutex_;
  std::list<Entry> order_;
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

Status RegexReplace(OpKernelContext& ctx, const std::string& pattern, const std::string& rewrite,
                    bool replace_global) {
  static PatternCache* cache = new PatternCache;
  auto re = cache->Get(pattern);
  if (!re.ok()) return OpError(ctx, re.status().message());
  // As in TF, a rewrite naming a group the pattern lacks is no error: RE2 then leaves the
  // string unchanged.
  ctx.set_output(0, MapStrings(ctx.input(0), [&](const std::string& s) {
                   std::string out = s;
                   if (replace_global) {
                     re2::RE2::GlobalReplace(&out, **re, rewrite);
                   } else {
                     re2::RE2::Replace(&out, **re, rewrite);
                   }
                   return out;
                 }));
  return Status::Ok();
}
#else
Status RegexReplace(OpKernelContext& ctx, const std::string&, const std::string&, bool) {
  return OpUnimplemented(ctx, MissingLibraryMessage("a regular expression", "RE2", "libre2-dev"));
}
#endif

Status StaticRegexReplaceKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_RETURN_IF_ERROR(CheckStringInput(ctx, 0));
  TFTRT_ASSIGN_OR_RETURN(std::string pattern, GetStringAttr(ctx.node(), "pattern"));
  TFTRT_ASSIGN_OR_RETURN(std::string rewrite, GetStringAttr(ctx.node(), "rewrite"));
  TFTRT_ASSIGN_OR_RETURN(bool global, GetBoolAttrOr(ctx.node(), "replace_global", true));
  return RegexReplace(ctx, pattern, rewrite, global);
}

Status RegexReplaceKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  TFTRT_RETURN_IF_ERROR(CheckStringInput(ctx, 0));
  TFTRT_ASSIGN_OR_RETURN(std::string pattern, ScalarStringInput(ctx, 1, "Pattern"));
  TFTRT_ASSIGN_OR_RETURN(std::string rewrite, ScalarStringInput(ctx, 2, "Rewrite"));
  TFTRT_ASSIGN_OR_RETURN(bool global, GetBoolAttrOr(ctx.node(), "replace_global", true));
  return RegexReplace(ctx, pattern, rewrite, global);
}

// ---- Splitting, stripping, joining ----

// The tokens of `text`, as Python's str.split(sep or None, maxsplit) (maxsplit <= 0: all).
std::vector<std::string_view> SplitLikePython(std::string_view text, std::string_view sep,
                                              int64_t maxsplit) {
  std::vector<std::string_view> tokens;
  if (maxsplit == 0) return {text};
  auto drop_leading_space = [&] {
    size_t i = 0;
    while (i < text.size() && IsAsciiSpace(text[i])) ++i;
    text.remove_prefix(i);
  };
  if (sep.empty()) {
    drop_leading_space();
    while (!text.empty()) {
      size_t end = 0;
      while (end < text.size() && !IsAsciiSpace(text[end])) ++end;
      tokens.push_back(text.substr(0, end));
      text.remove_prefix(end);
      drop_leading_space();
      if (maxsplit > 0 && static_cast<int64_t>(tokens.size()) == maxsplit) {
        tokens.push_back(text);  // the rest, possibly empty
        break;
      }
    }
    return tokens;
  }
  for (size_t found; (found = text.find(sep)) != std::string_view::npos;) {
    tokens.push_back(text.substr(0, found));
    text.remove_prefix(found + sep.size());
    if (maxsplit > 0 && static_cast<int64_t>(tokens.size()) == maxsplit) break;
  }
  tokens.push_back(text);
  return tokens;
}

// StringSplitV2(input [N], sep []) -> indices [M, 2], values [M], shape [2] (a sparse
// tensor [N, most tokens]).
Status StringSplitV2Kernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_RETURN_IF_ERROR(CheckStringInput(ctx, 0));
  const Tensor& input = ctx.input(0);
  if (input.rank() != 1) {
    return OpError(ctx, "input must be a vector, got shape: " + ShapeToString(input.shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::string sep, ScalarStringInput(ctx, 1, "sep"));
  TFTRT_ASSIGN_OR_RETURN(int64_t maxsplit, GetIntAttrOr(ctx.node(), "maxsplit", -1));
  const std::string* strings = input.flat<std::string>();
  std::vector<std::vector<std::string_view>> rows(input.NumElements());
  int64_t total = 0, widest = 0;
  for (int64_t i = 0; i < input.NumElements(); ++i) {
    rows[i] = SplitLikePython(strings[i], sep, maxsplit);
    total += static_cast<int64_t>(rows[i].size());
    widest = std::max(widest, static_cast<int64_t>(rows[i].size()));
  }
  Tensor indices(DataType::kInt64, {total, 2});
  Tensor values(DataType::kString, {total});
  int64_t* index = indices.flat<int64_t>();
  std::string* value = values.flat<std::string>();
  for (int64_t i = 0; i < input.NumElements(); ++i) {
    for (size_t j = 0; j < rows[i].size(); ++j) {
      *index++ = i;
      *index++ = static_cast<int64_t>(j);
      *value++ = std::string(rows[i][j]);
    }
  }
  ctx.set_output(0, std::move(indices));
  ctx.set_output(1, std::move(values));
  ctx.set_output(2, Tensor::FromVector<int64_t>({input.NumElements(), widest}));
  return Status::Ok();
}

Status StringStripKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_RETURN_IF_ERROR(CheckStringInput(ctx, 0));
  ctx.set_output(0, MapStrings(ctx.input(0), [](const std::string& s) {
                   size_t begin = 0, end = s.size();
                   while (begin < end && IsAsciiSpace(s[begin])) ++begin;
                   while (end > begin && IsAsciiSpace(s[end - 1])) --end;
                   return s.substr(begin, end - begin);
                 }));
  return Status::Ok();
}

// StringJoin(inputs..., separator): inputs are scalars or all of one shape.
Status StringJoinKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(std::string separator, GetStringAttrOr(ctx.node(), "separator", ""));
  const Tensor* shaped = nullptr;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    TFTRT_RETURN_IF_ERROR(CheckStringInput(ctx, i));
    const Tensor& t = ctx.input(i);
    if (t.rank() == 0) continue;
    if (shaped != nullptr && shaped->shape() != t.shape()) {
      return OpError(ctx, "Inputs must be of the same shape, or scalars (broadcast). Input 0: " +
                              ShapeToString(shaped->shape()) + " vs. input " + std::to_string(i) +
                              ": " + ShapeToString(t.shape()));
    }
    if (shaped == nullptr) shaped = &t;
  }
  Tensor out(DataType::kString, shaped != nullptr ? shaped->shape() : Shape{});
  std::string* dst = out.flat<std::string>();
  for (int64_t e = 0; e < out.NumElements(); ++e) {
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor& t = ctx.input(i);
      if (i > 0) dst[e] += separator;
      dst[e] += t.flat<std::string>()[t.rank() == 0 ? 0 : e];
    }
  }
  ctx.set_output(0, std::move(out));
  return Status::Ok();
}

// ---- Hashing ----

StatusOr<uint64_t> NumBuckets(const OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(int64_t buckets, GetIntAttr(ctx.node(), "num_buckets"));
  if (buckets < 1) {
    return OpError(ctx, "num_buckets must be at least 1, got " + std::to_string(buckets));
  }
  return static_cast<uint64_t>(buckets);
}

// An int64 tensor of the input's shape: hash(element) % num_buckets.
template <typename Hash>
Status HashToBuckets(OpKernelContext& ctx, Hash&& hash) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_RETURN_IF_ERROR(CheckStringInput(ctx, 0));
  TFTRT_ASSIGN_OR_RETURN(uint64_t buckets, NumBuckets(ctx));
  const Tensor& input = ctx.input(0);
  Tensor out(DataType::kInt64, input.shape());
  const std::string* in = input.flat<std::string>();
  int64_t* dst = out.flat<int64_t>();
  for (int64_t i = 0; i < input.NumElements(); ++i) {
    dst[i] = static_cast<int64_t>(hash(in[i]) % buckets);
  }
  ctx.set_output(0, std::move(out));
  return Status::Ok();
}

Status StringToHashBucketFastKernel(OpKernelContext& ctx) {
  return HashToBuckets(ctx, [](const std::string& s) { return Fingerprint64(s); });
}

Status StringToHashBucketStrongKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> key, GetIntListAttr(ctx.node(), "key"));
  if (key.size() != 2) return OpError(ctx, "Key must have 2 elements");
  const auto key0 = static_cast<uint64_t>(key[0]), key1 = static_cast<uint64_t>(key[1]);
  return HashToBuckets(ctx, [&](const std::string& s) { return SipHash24(key0, key1, s); });
}

Status StringToHashBucketKernel(OpKernelContext& ctx) {
  return HashToBuckets(ctx, [](const std::string& s) { return LegacyHash64(s); });
}

}  // namespace

void RegisterStringOps(KernelRegistry& registry) {
  registry.Register("StringLower", StringCaseKernel<Case::kLower>);
  registry.Register("StringUpper", StringCaseKernel<Case::kUpper>);
  registry.Register("StaticRegexReplace", StaticRegexReplaceKernel);
  registry.Register("RegexReplace", RegexReplaceKernel);
  registry.Register("StringSplitV2", StringSplitV2Kernel);
  registry.Register("StringStrip", StringStripKernel);
  registry.Register("StringJoin", StringJoinKernel);
  registry.Register("StringToHashBucketFast", StringToHashBucketFastKernel);
  registry.Register("StringToHashBucketStrong", StringToHashBucketStrongKernel);
  registry.Register("StringToHashBucket", StringToHashBucketKernel);
}

}  // namespace tftrt
