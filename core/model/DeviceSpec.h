#pragma once

#include <string>

namespace dragon {

// A compute device as users write it (--device, the "device" config key): "auto", "cpu",
// "cuda" or "cuda:N". Torch-free, so configs can be validated anywhere; GeneratorFactory's
// resolveDevice turns a spec into a torch device.
struct DeviceSpec
{
    static bool valid(const std::string &spec);
    static bool wantsCuda(const std::string &spec) { return spec.rfind("cuda", 0) == 0; }
    static int cudaIndex(const std::string &spec); // 0 for "cuda"; -1 when not a CUDA spec
};

} // namespace dragon
