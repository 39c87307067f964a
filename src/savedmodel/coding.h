// Little-endian fixed-width and varint encodings of the LevelDB table format and the tensor
// bundle's string data (as leveldb's util/coding.h).
#ifndef TFTRT_SAVEDMODEL_CODING_H_
#define TFTRT_SAVEDMODEL_CODING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace tftrt {

void PutFixed32(std::string* dst, uint32_t value);
void PutFixed64(std::string* dst, uint64_t value);
void PutVarint32(std::string* dst, uint32_t value);
void PutVarint64(std::string* dst, uint64_t value);
// Bytes PutVarint64 writes for `value` (1..10).
int VarintLength(uint64_t value);

// REQUIRES: 4 (8) readable bytes at `p`.
uint32_t DecodeFixed32(const char* p);
uint64_t DecodeFixed64(const char* p);

// Parse a value from the front of `*input` and advance past it. False, leaving `*input`
// unspecified, if the input ends inside the value or the varint is too long / too large.
bool GetFixed32(std::string_view* input, uint32_t* value);
bool GetVarint32(std::string_view* input, uint32_t* value);
bool GetVarint64(std::string_view* input, uint64_t* value);

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_CODING_H_
