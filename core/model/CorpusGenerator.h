#pragma once

#include "model/Score.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace dragon {

// The procedural music corpus: every clip is a pure function of its seed (std::mt19937_64 with
// libstdc++'s distributions). Seeds below kHeldOutSeedStart are the training split; seeds from
// it upwards are held out for evaluation.
class CorpusGenerator
{
public:
    static constexpr std::uint64_t kHeldOutSeedStart = 1'000'000'000ULL;

    explicit CorpusGenerator(double seconds = 6.0) : m_seconds(seconds) {}

    Score generate(std::uint64_t seed) const;
    // Same as generate() but with the style fixed (for balanced evaluation sets).
    Score generate(std::uint64_t seed, Style style) const;

    // Several phrasings describe one clip; `phrasing` picks one deterministically.
    static std::string caption(const Score &score, std::uint64_t phrasing);
    static int phrasingCount();
    // Every word the caption grammar can produce (the text encoder's vocabulary).
    static std::vector<std::string> vocabulary();
    // The kinds of words captions use, for messages: "styles (ambient, lo-fi, ...), tempos
    // (...), instruments (...), keys, bpm and drums".
    static std::string vocabularySummary();

private:
    Score build(std::mt19937_64 &rng, Style style) const;
    double m_seconds;
};

} // namespace dragon
