// The single-op cases TensorFlow wrote (tests/op_cases/make_op_cases.py): per case a
// directory with the op's NodeDef, its inputs and TF's outputs, or TF's error.
#ifndef TFTRT_TESTS_TESTING_OP_CASES_H_
#define TFTRT_TESTS_TESTING_OP_CASES_H_

#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "tftrt/tensor.h"

namespace tftrt::testing {

struct OpCase {
  std::string name;
  Node node;  // the op with every attribute
  std::vector<Tensor> inputs;
  std::vector<Tensor> outputs;       // TF's, every output of the op
  std::optional<std::string> error;  // TF failed with this message
};

// $TFTRT_OP_CASES_DIR, or .fixtures/op_cases of the source tree.
std::string OpCasesDir();
// The case names, sorted; empty when the cases were not made.
std::vector<std::string> OpCaseNames();
// Reads case `name`; a failed read is a test failure and nullopt.
std::optional<OpCase> ReadOpCase(const std::string& name);
// A valid GoogleTest parameter name for a case.
std::string OpCaseTestName(const std::string& name);

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_TESTING_OP_CASES_H_
