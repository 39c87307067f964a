// LookupTable: the value behind a table resource (HashTableV2, MutableHashTableV2), a map
// from scalar keys to scalar values of the table's dtypes.
//
// A table created by the SavedModel's init op is made and filled once when the model is
// loaded (runtime/table_initializer.h) and shared by every run; runs only read it. All
// access takes the table's lock, so concurrent runs (and a MutableHashTable written by one)
// stay safe.
#ifndef TFTRT_RUNTIME_LOOKUP_TABLE_H_
#define TFTRT_RUNTIME_LOOKUP_TABLE_H_

#include <mutex>
#include <string>
#include <unordered_map>

#include "tftrt/tensor.h"

namespace tftrt {

class LookupTable : public Object {
 public:
  // `is_mutable`: a MutableHashTable (import replaces its contents) rather than a
  // HashTable (initialized once; a second initialization must bring the same data).
  LookupTable(std::string name, DataType key_dtype, DataType value_dtype, bool is_mutable)
      : name_(std::move(name)),
        key_dtype_(key_dtype),
        value_dtype_(value_dtype),
        is_mutable_(is_mutable) {}
  std::string TypeName() const override { return "LookupTable"; }
  const std::string& name() const { return name_; }
  DataType key_dtype() const { return key_dtype_; }
  DataType value_dtype() const { return value_dtype_; }

  // Fills the table from equally long keys and values (InitializeTableV2,
  // LookupTableImportV2, text files). A HashTable already initialized accepts the same
  // data again (as TF does) and refuses other data; one key with two values is an error.
  Status Initialize(const Tensor& keys, const Tensor& values);
  // The value of each key (`default_value`'s element where absent): keys' shape.
  // `default_value` is a scalar or holds one value per key.
  StatusOr<Tensor> Find(const Tensor& keys, const Tensor& default_value) const;
  int64_t size() const;
  // Every (key, value), ordered by key bytes: rank-1 tensors of the key and value dtypes.
  std::pair<Tensor, Tensor> Export() const;

 private:
  // Keys and values held as bytes: a string's contents, a number's memory.
  using Map = std::unordered_map<std::string, std::string>;
  Status CheckDtypes(const Tensor& keys, const Tensor& values) const;
  StatusOr<Map> MakeMap(const Tensor& keys, const Tensor& values) const;

  const std::string name_;
  const DataType key_dtype_;
  const DataType value_dtype_;
  const bool is_mutable_;
  mutable std::mutex mutex_;
  bool initialized_ = false;
  Map map_;
};

// The table a resource tensor (an op's input `index`, for errors) refers to.
StatusOr<LookupTable*> TableFromHandle(const Tensor& handle, int index);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_LOOKUP_TABLE_H_
