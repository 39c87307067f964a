#include "common/npy_header.h"

#include <map>
#include <vector>

namespace tftrt {
namespace {

// A value of the Python literal subset that .npy headers are written in.
struct Literal {
  enum class Kind { kString, kInt, kOtherNumber, kBool, kNone, kTuple, kList, kDict };
  Kind kind = Kind::kNone;
  std::string_view text;  // the source text, for error messages
  std::string string;     // kString
  int64_t integer = 0;    // kInt
  bool boolean = false;   // kBool
  // kTuple and kList: the elements; kDict: key, value, key, value, ...
  std::vector<Literal> items;
};

// Deep enough for any header; bounds the recursion on a corrupt one ("((((...").
constexpr int kMaxDepth = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) {
  return IsDigit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsPrintable(char c) { return c >= ' ' && c <= '~'; }

// "07" for byte 7.
std::string Hex(char c) {
  static const char kHex[] = "0123456789abcdef";
  const auto byte = static_cast<unsigned char>(c);
  return {kHex[byte >> 4], kHex[byte & 15]};
}

// "'x'" for a printable character, "byte 0x07" otherwise.
std::string Describe(char c) {
  return IsPrintable(c) ? std::string("'") + c + "'" : "byte 0x" + Hex(c);
}

// Whether `digits` is a Python decimal int: digits, single '_' between digits allowed.
bool IsDecimalInt(std::string_view digits) {
  if (digits.empty() || !IsDigit(digits.front()) || !IsDigit(digits.back())) return false;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (IsDigit(digits[i])) continue;
    if (digits[i] != '_' || !IsDigit(digits[i + 1])) return false;
  }
  return true;
}

// Recursive descent over one literal; errors are DataLoss messages with the offset.
class LiteralParser {
 public:
  explicit LiteralParser(std::string_view text) : text_(text) {}

  // One literal, then nothing but whitespace.
  StatusOr<Literal> ParseWhole() {
    TFTRT_ASSIGN_OR_RETURN(Literal literal, ParseValue(0));
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected " + Describe(text_[pos_]));
    return literal;
  }

 private:
  StatusOr<Literal> ParseValue(int depth) {
    if (depth > kMaxDepth) return Error("values nested too deeply");
    SkipSpace();
    if (pos_ == text_.size()) return Error("the header ends in the middle of a value");
    const char c = text_[pos_];
    if (c == '(' || c == '[' || c == '{') return ParseBracketed(depth);
    if (c == '\'' || c == '"') return ParseString();
    if (IsDigit(c) || c == '-' || c == '+' || c == '.') return ParseNumber();
    if (IsNameChar(c)) return ParseName();
    return Error("unexpected " + Describe(c));
  }

  // A tuple, a parenthesized value, a list or a dict.
  StatusOr<Literal> ParseBracketed(int depth) {
    const size_t start = pos_;
    const char open = text_[pos_++];
    const char close = open == '(' ? ')' : open == '[' ? ']' : '}';
    Literal result;
    result.kind = open == '(' ? Literal::Kind::kTuple
                              : (open == '[' ? Literal::Kind::kList : Literal::Kind::kDict);
    bool saw_comma = false;
    for (;;) {
      SkipSpace();
      if (pos_ == text_.size()) return Error(std::string("no closing '") + close + "'");
      if (At(close)) break;
      TFTRT_ASSIGN_OR_RETURN(Literal item, ParseValue(depth + 1));
      result.items.push_back(std::move(item));
      if (open == '{') {
        SkipSpace();
        if (!At(':')) return Error("expected ':' after the dict key");
        ++pos_;
        TFTRT_ASSIGN_OR_RETURN(Literal value, ParseValue(depth + 1));
        result.items.push_back(std::move(value));
      }
      SkipSpace();
      if (At(',')) {
        ++pos_;
        saw_comma = true;
      } else if (pos_ < text_.size() && !At(close)) {
        return Error(std::string("expected ',' or '") + close + "'");
      }
    }
    ++pos_;
    // "(3)" is 3, as in Python; "(3,)" is a tuple.
    if (open == '(' && result.items.size() == 1 && !saw_comma) return std::move(result.items[0]);
    result.text = text_.substr(start, pos_ - start);
    return result;
  }

  StatusOr<Literal> ParseString() {
    const size_t start = pos_;
    const char quote = text_[pos_++];
    Literal result{.kind = Literal::Kind::kString};
    for (; pos_ < text_.size() && text_[pos_] != quote; ++pos_) {
      if (text_[pos_] == '\\') return Error("escape sequences in strings are not supported");
      if (text_[pos_] == '\n') break;
      result.string += text_[pos_];
    }
    if (!At(quote)) return Error("unterminated string");
    ++pos_;
    result.text = text_.substr(start, pos_ - start);
    return result;
  }

  // An int ("12", "-1", "1_000") or, unchecked, any other number ("1.5", "1e3", "0x1f"):
  // where a header needs a number, it needs an int.
  StatusOr<Literal> ParseNumber() {
    const size_t start = pos_;
    if (At('-') || At('+')) ++pos_;
    const size_t digits_start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      const bool exponent_sign = (c == '-' || c == '+') && pos_ > digits_start &&
                                 (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E');
      if (!IsNameChar(c) && c != '.' && !exponent_sign) break;
      ++pos_;
    }
    const std::string_view digits = text_.substr(digits_start, pos_ - digits_start);
    if (digits.empty())
      return Error("expected a number after '" + std::string(1, text_[start]) + "'");
    Literal result{.kind = Literal::Kind::kOtherNumber, .text = text_.substr(start, pos_ - start)};
    if (!IsDecimalInt(digits)) return result;
    result.kind = Literal::Kind::kInt;
    for (char c : digits) {
      if (c == '_') continue;
      if (__builtin_mul_overflow(result.integer, 10, &result.integer) ||
          __builtin_add_overflow(result.integer, c - '0', &result.integer)) {
        return Error("int " + std::string(result.text) + " is out of range");
      }
    }
    if (text_[start] == '-') result.integer = -result.integer;
    return result;
  }

  // True, False or None: the names that Python's literal_eval knows.
  StatusOr<Literal> ParseName() {
    const size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    Literal result{.text = text_.substr(start, pos_ - start)};
    if (result.text == "True" || result.text == "False") {
      result.kind = Literal::Kind::kBool;
      result.boolean = result.text == "True";
    } else if (result.text != "None") {
      pos_ = start;
      return Error("unexpected name '" + std::string(result.text) + "'");
    }
    return result;
  }

  // Whitespace (line breaks included: a header is one bracketed expression) and comments.
  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else {
        return;
      }
    }
  }

  bool At(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  Status Error(const std::string& what) const {
    return Status::DataLoss(what + " at offset " + std::to_string(pos_));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// The header for error messages: trailing padding dropped, unprintable bytes escaped,
// at most 200 characters.
std::string Excerpt(std::string_view text) {
  const size_t end = text.find_last_not_of(" \n");
  text = text.substr(0, end == std::string_view::npos ? 0 : end + 1);
  std::string excerpt;
  for (char c : text.substr(0, 200)) {
    excerpt += IsPrintable(c) ? std::string(1, c) : "\\x" + Hex(c);
  }
  return text.size() > 200 ? excerpt + "..." : excerpt;
}

}  // namespace

StatusOr<NpyHeader> ParseNpyHeader(std::string_view text, const std::string& name) {
  const auto bad = [&](const std::string& what) {
    return Status::DataLoss(name + ": bad .npy header (" + what + "): " + Excerpt(text));
  };
  // Python refuses source text with NUL bytes, so numpy refuses such headers.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return bad("NUL byte at offset " + std::to_string(nul));
  }
  StatusOr<Literal> dict = LiteralParser(text).ParseWhole();
  if (!dict.ok()) return bad(dict.status().message());
  if (dict->kind != Literal::Kind::kDict) return bad("not a dict");

  std::map<std::string, const Literal*> values;
  for (size_t i = 0; i < dict->items.size(); i += 2) {
    const Literal& key = dict->items[i];
    const bool known =
        key.kind == Literal::Kind::kString &&
        (key.string == "descr" || key.string == "fortran_order" || key.string == "shape");
    if (!known) return bad("unexpected key " + std::string(key.text));
    if (!values.emplace(key.string, &dict->items[i + 1]).second) {
      return bad("key " + std::string(key.text) + " given twice");
    }
  }
  for (const char* key : {"descr", "fortran_order", "shape"}) {
    if (!values.contains(key)) return bad("no '" + std::string(key) + "'");
  }

  NpyHeader header;
  const Literal& descr = *values["descr"];
  if (descr.kind == Literal::Kind::kList) {
    return Status::Unimplemented(name + ": structured .npy arrays (descr " +
                                 std::string(descr.text) + ") are not supported");
  }
  if (descr.kind != Literal::Kind::kString) {
    return bad("'descr' must be a string, is " + std::string(descr.text));
  }
  header.descr = descr.string;

  const Literal& fortran_order = *values["fortran_order"];
  if (fortran_order.kind != Literal::Kind::kBool) {
    return bad("'fortran_order' must be True or False, is " + std::string(fortran_order.text));
  }
  header.fortran_order = fortran_order.boolean;

  const Literal& shape = *values["shape"];
  if (shape.kind != Literal::Kind::kTuple) {
    return bad("'shape' must be a tuple of ints, is " + std::string(shape.text));
  }
  // The element count must fit in int64 at every step of the product (as numpy requires): a
  // zero dimension after huge ones would otherwise hide an overflow from the data-size check
  // that NumElements() then runs into.
  int64_t elements = 1;
  for (const Literal& dim : shape.items) {
    if (dim.kind != Literal::Kind::kInt || dim.integer < 0) {
      return bad("'shape' must be a tuple of non-negative ints, is " + std::string(shape.text));
    }
    header.shape.push_back(dim.integer);
    if (__builtin_mul_overflow(elements, dim.integer, &elements)) {
      return bad("'shape' " + std::string(shape.text) + " has more elements than fit in 64 bits");
    }
  }
  return header;
}

}  // namespace tftrt
