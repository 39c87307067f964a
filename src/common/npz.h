// Reading NumPy .npz archives (what np.savez and np.savez_compressed write): a zip file
// whose members are .npy files, one per named array. Members may be stored or deflated;
// zip64 records are understood; every member's CRC-32 is checked. Encrypted members and
// other compression methods are rejected with a clear error.
#ifndef TFTRT_COMMON_NPZ_H_
#define TFTRT_COMMON_NPZ_H_

#include <map>
#include <string>

#include "tftrt/tensor.h"

namespace tftrt {

// Parses the bytes of a .npz file into {array name: tensor}; a member "x.npy" is array
// "x". `name` (usually the path) is used in errors.
StatusOr<std::map<std::string, Tensor>> ParseNpz(const std::string& bytes, const std::string& name);

StatusOr<std::map<std::string, Tensor>> ReadNpzFile(const std::string& path);

}  // namespace tftrt

#endif  // TFTRT_COMMON_NPZ_H_
