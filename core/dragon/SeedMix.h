#pragma once

#include <cstdint>

namespace dragon {

// splitmix64 over a combination of up to three values: independent, reproducible random
// streams per (seed, round, item). Every seed a run derives (prompt order, sampler noise, the
// update's timesteps and noise, the anchor's batches, the bootstrap) comes from here, so a run
// is a pure function of its config and a resume needs no RNG state.
inline std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0)
{
    std::uint64_t z =
        a * 0x9E3779B97F4A7C15ULL + b * 0xBF58476D1CE4E5B9ULL + c * 0x94D049BB133111EBULL + 1;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace dragon
