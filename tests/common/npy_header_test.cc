// The .npy header parser against what numpy (np.lib.format: ast.literal_eval, then checks
// of each key) accepts and refuses, and the cases where tftrt is deliberately stricter.
#include "common/npy_header.h"

#include <gtest/gtest.h>

namespace tftrt {
namespace {

TEST(NpyHeaderTest, AcceptsWhatNumpyAccepts) {
  const struct {
    std::string text;
    std::string descr;
    bool fortran_order;
    Shape shape;
  } cases[] = {
      // What np.save writes, padding included.
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }          \n",
       "<f4",
       false,
       {2, 3}},
      {"{'descr': '<i4', 'fortran_order': True, 'shape': (3,), }\n", "<i4", true, {3}},
      {"{'descr': '|b1', 'fortran_order': False, 'shape': (), }", "|b1", false, {}},
      // Double quotes, other key orders, no spaces, no trailing comma.
      {R"({"shape": (4,), "descr": "<f8", "fortran_order": False})", "<f8", false, {4}},
      {"{'descr':'<f4','fortran_order':False,'shape':(1,2,)}", "<f4", false, {1, 2}},
      // Whitespace before, tabs and line breaks inside, comments.
      {" {'descr': '<f4',\n\t'fortran_order': False,  # written by hand\n 'shape': (5,)\n}\n",
       "<f4",
       false,
       {5}},
      // Python's parentheses and digit separators.
      {"{'descr': '<f4', 'fortran_order': False, 'shape': ((1_000,)), }", "<f4", false, {1000}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': ((2), 0), }", "<f4", false, {2, 0}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto header = ParseNpyHeader(c.text, "x.npy");
    ASSERT_TRUE(header.ok()) << header.status().ToString();
    EXPECT_EQ(header->descr, c.descr);
    EXPECT_EQ(header->fortran_order, c.fortran_order);
    EXPECT_EQ(header->shape, c.shape);
  }
}

TEST(NpyHeaderTest, RefusesWhatNumpyRefusesNamingTheProblem) {
  const struct {
    std::string text;
    std::string problem;
  } cases[] = {
      {"{'descr': '<f4', 'fortran_order': 1, 'shape': (3,), }",
       "'fortran_order' must be True or False, is 1"},
      {"{'descr': '<f4', 'fortran_order': 'yes', 'shape': (3,), }",
       "'fortran_order' must be True or False, is 'yes'"},
      {"{'descr': '<f4', 'fortran_order': yes, 'shape': (3,), }", "unexpected name 'yes'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,), }",
       "'shape' must be a tuple of non-negative ints, is (1.5,)"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': 1, }",
       "'shape' must be a tuple of ints, is 1"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3), }",
       "'shape' must be a tuple of ints, is 3"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [3], }",
       "'shape' must be a tuple of ints, is [3]"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
       "'shape' must be a tuple of non-negative ints, is (-1,)"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
       "int 99999999999999999999 is out of range"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", "no closing '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,", "no closing ')'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape':", "ends in the middle of a value"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}}", "unexpected '}'"},
      {"{'descr': '<f4', 'fortran_order': False 'shape': (3,)}", "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape' (3,)}", "expected ':'"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (3,)}", "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x}", "unterminated string"},
      {std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}\n\0", 57),
       "NUL byte at offset 56"},
      {std::string("{'descr': '<f4\0', 'fortran_order': False, 'shape': (3,)}", 56),
       "NUL byte at offset 14"},
      {"{'descr': '<f4', 'fortran_order': False}", "no 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 0}",
       "unexpected key 'extra'"},
      {"{'descr': 4, 'fortran_order': False, 'shape': (3,)}", "'descr' must be a string, is 4"},
      {"['descr', '<f4']", "not a dict"},
      {"{'descr': '<\\x66\\x34', 'fortran_order': False, 'shape': (3,)}", "escape sequences"},
      {"", "ends in the middle"},
      {std::string(1000, '(') + std::string(1000, ')'), "nested too deeply"},
      // Stricter than numpy, which keeps the last value of a key given twice.
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'shape': (1,)}",
       "key 'shape' given twice"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto header = ParseNpyHeader(c.text, "bad.npy");
    ASSERT_FALSE(header.ok());
    EXPECT_EQ(header.status().code(), StatusCode::kDataLoss) << header.status().ToString();
    EXPECT_TRUE(header.status().message().starts_with("bad.npy: bad .npy header ("))
        << header.status().ToString();
    EXPECT_NE(header.status().message().find(c.problem), std::string::npos)
        << header.status().ToString();
  }
}

TEST(NpyHeaderTest, StructuredDtypeIsUnimplemented) {
  auto header = ParseNpyHeader(
      "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (3,), }",
      "rec.npy");
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.status().code(), StatusCode::kUnimplemented) << header.status().ToString();
  EXPECT_NE(header.status().message().find("rec.npy: structured .npy arrays"), std::string::npos)
      << header.status().ToString();
}

}  // namespace
}  // namespace tftrt
