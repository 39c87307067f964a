// tftrt._tftrt: the Python binding of tftrt's public C++ API (include/tftrt/), with nanobind.
//
// This layer is deliberately thin: it converts numpy arrays to and from tftrt::Tensor,
// Status to Python exceptions (classes from tftrt.errors, by status code name), and releases
// the GIL around every call into tftrt (convert, build, save, load, runs). The seed's
// Python API (tftrt.Converter, ConversionParams, generators of array-likes, progress) is
// in python/tftrt/*.py on top of it.
//
// Input functions: Build and Convert call back into Python through an InputFn that takes
// the GIL for each pull. An exception raised there (a bug in the generator, Ctrl-C) is
// kept, the C++ call is unwound with an InputAborted, and the Python exception is raised
// again once the GIL is held.
#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/set.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tftrt/conversion_params.h"
#include "tftrt/converter.h"
#include "tftrt/model.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

// A non-OK Status on its way to Python.
struct StatusError : std::exception {
  explicit StatusError(tftrt::Status s) : status(std::move(s)) {}
  const char* what() const noexcept override { return status.message().c_str(); }
  tftrt::Status status;
};

void ThrowIfError(const tftrt::Status& status) {
  if (!status.ok()) throw StatusError(status);
}

template <typename T>
T ValueOrThrow(tftrt::StatusOr<T>&& result) {
  if (!result.ok()) throw StatusError(result.status());
  return std::move(result).value();
}

// Unwinds a C++ call after its Python callback raised; the callback kept the exception.
struct InputAborted {};

// --- numpy <-> Tensor ------------------------------------------------------------------

struct DTypeName {
  tftrt::DataType dtype;
  const char* numpy;
};
constexpr DTypeName kDTypes[] = {
    {tftrt::DataType::kFloat, "float32"},       {tftrt::DataType::kDouble, "float64"},
    {tftrt::DataType::kHalf, "float16"},        {tftrt::DataType::kInt8, "int8"},
    {tftrt::DataType::kInt16, "int16"},         {tftrt::DataType::kInt32, "int32"},
    {tftrt::DataType::kInt64, "int64"},         {tftrt::DataType::kUInt8, "uint8"},
    {tftrt::DataType::kUInt16, "uint16"},       {tftrt::DataType::kUInt32, "uint32"},
    {tftrt::DataType::kUInt64, "uint64"},       {tftrt::DataType::kBool, "bool"},
    {tftrt::DataType::kComplex64, "complex64"}, {tftrt::DataType::kComplex128, "complex128"},
    {tftrt::DataType::kBFloat16, "bfloat16"},  // numpy has it through ml_dtypes
};

// The numpy dtype name of a tftrt dtype ("float32"), "string" for strings, else the TF name.
std::string NumpyName(tftrt::DataType dtype) {
  for (const auto& d : kDTypes) {
    if (d.dtype == dtype) return d.numpy;
  }
  if (dtype == tftrt::DataType::kString) return "string";
  return std::string(tftrt::DataTypeName(dtype));
}

nb::object Numpy() { return nb::module_::import_("numpy"); }

// A C-contiguous buffer of `obj` (a numpy array), released on destruction.
class Buffer {
 public:
  Buffer(nb::handle obj, bool writable) {
    const int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj.ptr(), &view_, flags) != 0) throw nb::python_error();
  }
  ~Buffer() { PyBuffer_Release(&view_); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  void* data() const { return view_.buf; }
  size_t size() const { return static_cast<size_t>(view_.len); }

 private:
  Py_buffer view_;
};

// `array` is a numpy array (tftrt/_arrays.py made it C-contiguous, native byte order).
tftrt::Tensor TensorFromArray(nb::handle array) {
  const std::string dtype_name = nb::cast<std::string>(array.attr("dtype").attr("name"));
  const std::string kind = nb::cast<std::string>(array.attr("dtype").attr("kind"));
  tftrt::Shape shape;
  for (nb::handle dim : nb::iter(array.attr("shape"))) shape.push_back(nb::cast<int64_t>(dim));
  if (kind == "O" || kind == "S" || kind == "U") {
    tftrt::Tensor tensor(tftrt::DataType::kString, shape);
    std::string* out = tensor.flat<std::string>();
    int64_t i = 0;
    for (nb::handle item : nb::iter(array.attr("reshape")(-1).attr("tolist")())) {
      if (nb::isinstance<nb::bytes>(item)) {
        nb::bytes b = nb::borrow<nb::bytes>(item);
        out[i++] = std::string(b.c_str(), b.size());
      } else if (nb::isinstance<nb::str>(item)) {
        out[i++] = nb::cast<std::string>(item);
      } else {
        throw nb::type_error("string tensors hold bytes or str elements");
      }
    }
    return tensor;
  }
  for (const auto& d : kDTypes) {
    if (dtype_name != d.numpy) continue;
    tftrt::Tensor tensor(d.dtype, shape);
    Buffer buffer(array, /*writable=*/false);
    if (buffer.size() != tensor.ByteSize()) throw nb::value_error("array size mismatch");
    if (buffer.size() != 0) std::memcpy(tensor.raw_data(), buffer.data(), buffer.size());
    return tensor;
  }
  throw nb::type_error(("tftrt has no tensor type for numpy dtype " + dtype_name).c_str());
}

// A numpy array that owns a copy of `tensor`'s elements.
nb::object ArrayFromTensor(const tftrt::Tensor& tensor) {
  nb::object np = Numpy();
  nb::list shape;
  for (int64_t dim : tensor.shape()) shape.append(dim);
  nb::tuple shape_tuple = nb::tuple(shape);
  if (tensor.dtype() == tftrt::DataType::kString) {
    nb::object array = np.attr("empty")(shape_tuple, "dtype"_a = "object");
    nb::object flat = array.attr("reshape")(-1);
    const std::string* values = tensor.flat<std::string>();
    for (int64_t i = 0; i < tensor.NumElements(); ++i) {
      flat[nb::int_(i)] = nb::bytes(values[i].data(), values[i].size());
    }
    return array;
  }
  if (!tftrt::IsPodDataType(tensor.dtype())) {
    throw StatusError(tftrt::Status::Unimplemented(
        "output of type " + std::string(tftrt::DataTypeName(tensor.dtype())) +
        " cannot be returned to Python"));
  }
  nb::object dtype;
  if (tensor.dtype() == tftrt::DataType::kBFloat16) {
    dtype = nb::module_::import_("ml_dtypes").attr("bfloat16");
  } else {
    dtype = nb::str(NumpyName(tensor.dtype()).c_str());
  }
  nb::object array = np.attr("empty")(shape_tuple, "dtype"_a = dtype);
  Buffer buffer(array, /*writable=*/true);
  if (buffer.size() != tensor.ByteSize()) throw nb::value_error("output size mismatch");
  if (buffer.size() != 0) std::memcpy(buffer.data(), tensor.raw_data(), buffer.size());
  return array;
}

std::map<std::string, tftrt::Tensor> TensorsFromDict(nb::dict arrays) {
  std::map<std::string, tftrt::Tensor> tensors;
  for (auto [name, array] : arrays) tensors[nb::cast<std::string>(name)] = TensorFromArray(array);
  return tensors;
}

nb::dict DictFromTensors(const std::map<std::string, tftrt::Tensor>& tensors) {
  nb::dict arrays;
  for (const auto& [name, tensor] : tensors)
    arrays[nb::str(name.c_str())] = ArrayFromTensor(tensor);
  return arrays;
}

nb::list SpecList(const std::vector<tftrt::TensorSpec>& specs) {
  nb::list list;
  for (const tftrt::TensorSpec& spec : specs) {
    nb::object shape = nb::none();
    if (!spec.shape.unknown_rank) {
      nb::list dims;
      for (int64_t dim : spec.shape.dims) {
        if (dim < 0) {
          dims.append(nb::none());
        } else {
          dims.append(dim);
        }
      }
      shape = nb::tuple(dims);
    }
    list.append(nb::make_tuple(spec.name, shape, NumpyName(spec.dtype)));
  }
  return list;
}

// --- input functions ---------------------------------------------------------------------

// A Python callable that returns the next input set ({name: numpy array}) or None. Lives
// on the binding function's stack, so that no Python reference is touched without the GIL.
struct PythonInputSource {
  nb::object next;
  std::exception_ptr error;

  tftrt::InputFn AsInputFn() {
    return [this]() -> std::optional<tftrt::InputSet> {
      nb::gil_scoped_acquire gil;
      try {
        nb::object item = next();
        if (item.is_none()) return std::nullopt;
        return TensorsFromDict(nb::cast<nb::dict>(item));
      } catch (...) {
        error = std::current_exception();
      }
      throw InputAborted{};
    };
  }
};

// Runs `call(input_fn)` without the GIL, serialized by `mutex`, where input_fn pulls the
// input sets from the Python callable `next` (a null InputFn for None), then raises what
// `next` raised, if anything.
template <typename Call>
auto CallWithInputs(std::mutex& mutex, nb::object next, Call call) {
  PythonInputSource source{next, nullptr};
  tftrt::InputFn input_fn = next.is_none() ? nullptr : source.AsInputFn();
  std::optional<decltype(call(std::move(input_fn)))> result;
  {
    nb::gil_scoped_release no_gil;
    std::lock_guard<std::mutex> lock(mutex);
    try {
      result.emplace(call(std::move(input_fn)));
    } catch (const InputAborted&) {
    }
  }
  if (source.error) std::rethrow_exception(source.error);
  if (!result) throw std::runtime_error("tftrt: an input function was aborted");
  return std::move(*result);
}

// --- classes --------------------------------------------------------------------------------

class PyModel {
 public:
  explicit PyModel(std::shared_ptr<tftrt::Model> model) : model_(std::move(model)) {}

  static PyModel Load(const std::string& dir, const std::string& signature_key,
                      const std::set<std::string>& tags) {
    tftrt::StatusOr<std::unique_ptr<tftrt::Model>> model = [&] {
      nb::gil_scoped_release no_gil;
      return tftrt::Model::Load(dir, signature_key, tags);
    }();
    return PyModel(std::shared_ptr<tftrt::Model>(ValueOrThrow(std::move(model))));
  }

  nb::dict Run(nb::dict inputs) const {
    std::map<std::string, tftrt::Tensor> tensors = TensorsFromDict(inputs);
    tftrt::StatusOr<std::map<std::string, tftrt::Tensor>> outputs = [&] {
      nb::gil_scoped_release no_gil;
      return model_->Run(tensors);
    }();
    return DictFromTensors(ValueOrThrow(std::move(outputs)));
  }

  std::string signature_key() const { return model_->signature().key; }
  nb::list inputs() const { return SpecList(model_->signature().inputs); }
  nb::list outputs() const { return SpecList(model_->signature().outputs); }

 private:
  std::shared_ptr<tftrt::Model> model_;
};

class PyConverter {
 public:
  PyConverter(const std::string& input_saved_model_dir, const std::set<std::string>& tags,
              const std::string& signature_key, const tftrt::ConversionParams& params,
              const std::set<std::string>& disabled_passes) {
    tftrt::ConverterOptions options;
    options.input_saved_model_dir = input_saved_model_dir;
    options.input_saved_model_tags = tags;
    options.input_saved_model_signature_key = signature_key;
    options.conversion_params = params;
    options.disabled_passes = disabled_passes;
    tftrt::StatusOr<tftrt::Converter> converter = [&] {
      nb::gil_scoped_release no_gil;
      return tftrt::Converter::Create(std::move(options));
    }();
    converter_ = std::make_unique<tftrt::Converter>(ValueOrThrow(std::move(converter)));
  }

  // calibration_next: None, or a callable returning the next input set or None.
  PyModel Convert(nb::object calibration_next) {
    auto result = CallWithInputs(mutex_, calibration_next, [&](tftrt::InputFn fn) {
      return converter_->Convert(std::move(fn));
    });
    return PyModel(ValueOrThrow(std::move(result)));
  }

  void Build(nb::object input_next) {
    ThrowIfError(CallWithInputs(
        mutex_, input_next, [&](tftrt::InputFn fn) { return converter_->Build(std::move(fn)); }));
  }

  void Save(const std::string& dir, bool overwrite) {
    ThrowIfError(CallWithInputs(mutex_, nb::none(),
                                [&](tftrt::InputFn) { return converter_->Save(dir, overwrite); }));
  }

  std::string Summary(nb::object evaluation_next) {
    auto summary = CallWithInputs(mutex_, evaluation_next, [&](tftrt::InputFn fn) {
      return converter_->Summary(std::move(fn));
    });
    return tftrt::FormatSummary(ValueOrThrow(std::move(summary)));
  }

  void LimitInt8Error(nb::object evaluation_next, double max_output_error) {
    ThrowIfError(CallWithInputs(mutex_, evaluation_next, [&](tftrt::InputFn fn) {
      return converter_->LimitInt8Error(std::move(fn), max_output_error);
    }));
  }

 private:
  std::mutex mutex_;  // a tftrt::Converter is used by one thread at a time
  std::unique_ptr<tftrt::Converter> converter_;
};

}  // namespace

NB_MODULE(_tftrt, m) {
  m.doc() = "tftrt's C++ API (include/tftrt/); use the tftrt package, not this module.";

  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const StatusError& e) {
      nb::object errors = nb::module_::import_("tftrt.errors");
      nb::object cls =
          errors.attr("error_class")(std::string(tftrt::StatusCodeName(e.status.code())));
      PyErr_SetString(cls.ptr(), e.status.message().c_str());
    }
  });

  nb::class_<tftrt::ConversionParams>(m, "_ConversionParams")
      .def(nb::init<>())
      .def_rw("precision_mode", &tftrt::ConversionParams::precision_mode)
      .def_rw("max_workspace_size_bytes", &tftrt::ConversionParams::max_workspace_size_bytes)
      .def_rw("minimum_segment_size", &tftrt::ConversionParams::minimum_segment_size)
      .def_rw("maximum_cached_engines", &tftrt::ConversionParams::maximum_cached_engines)
      .def_rw("use_calibration", &tftrt::ConversionParams::use_calibration)
      .def_rw("allow_build_at_runtime", &tftrt::ConversionParams::allow_build_at_runtime);

  m.def("validate_conversion_params", [](const tftrt::ConversionParams& params) {
    ThrowIfError(tftrt::ValidateConversionParams(params));
  });

  nb::class_<PyModel>(m, "_Model")
      .def_static("load", &PyModel::Load, "saved_model_dir"_a, "signature_key"_a, "tags"_a)
      .def("run", &PyModel::Run, "inputs"_a)
      .def_prop_ro("signature_key", &PyModel::signature_key)
      .def_prop_ro("inputs", &PyModel::inputs)
      .def_prop_ro("outputs", &PyModel::outputs);

  nb::class_<PyConverter>(m, "_Converter")
      .def(nb::init<const std::string&, const std::set<std::string>&, const std::string&,
                    const tftrt::ConversionParams&, const std::set<std::string>&>(),
           "input_saved_model_dir"_a, "tags"_a, "signature_key"_a, "params"_a, "disabled_passes"_a)
      .def("convert", &PyConverter::Convert, "calibration_next"_a.none())
      .def("build", &PyConverter::Build, "input_next"_a.none())
      .def("save", &PyConverter::Save, "output_saved_model_dir"_a, "overwrite"_a)
      .def("summary", &PyConverter::Summary, "evaluation_next"_a.none())
      .def("limit_int8_error", &PyConverter::LimitInt8Error, "evaluation_next"_a.none(),
           "max_output_error"_a);

  // [(key, inputs, outputs)] with inputs/outputs as SpecList's.
  m.def("list_signatures", [](const std::string& dir, const std::set<std::string>& tags) {
    auto signatures = [&] {
      nb::gil_scoped_release no_gil;
      return tftrt::ListSignatures(dir, tags);
    }();
    nb::list list;
    for (const tftrt::SignatureInfo& info : ValueOrThrow(std::move(signatures))) {
      list.append(nb::make_tuple(info.key, SpecList(info.inputs), SpecList(info.outputs)));
    }
    return list;
  });

  m.def(
      "summarize_saved_model",
      [](const std::string& dir, const std::string& signature_key,
         const std::set<std::string>& tags, nb::object evaluation_next) {
        std::mutex mutex;  // one call, nothing shared
        auto summary = CallWithInputs(mutex, evaluation_next, [&](tftrt::InputFn fn) {
          return tftrt::SummarizeSavedModel(dir, signature_key, tags, std::move(fn));
        });
        return tftrt::FormatSummary(ValueOrThrow(std::move(summary)));
      },
      "saved_model_dir"_a, "signature_key"_a, "tags"_a, "evaluation_next"_a.none() = nb::none());
}
