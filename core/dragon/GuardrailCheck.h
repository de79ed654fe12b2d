#pragma once

#include "dragon/DragonEvents.h"

#include <string>

namespace dragon {

// Whether an evaluation's guardrails held: a tuned policy whose Vendi diversity fell below 80 %
// of the base model's, or whose CLAP adherence fell below 75 % of the base's, may be winning by
// reward hacking (collapsing onto a few outputs, giving up the prompt) rather than by getting
// better. One rule for the reward suite's table, its validation early stopping and the
// Train tab's dashboard. A guardrail not measured (base value 0) holds.
class GuardrailCheck
{
public:
    static constexpr double kVendiFloor = 0.80; // of the base model's Vendi diversity
    static constexpr double kClapFloor = 0.75;  // of the base model's CLAP adherence

    // What fell, "Vendi 8.00 -> 6.00" and/or "CLAP 0.200 -> 0.100"; "" when both held.
    // `margin` raises both floors by that fraction of the base (0.05: Vendi below 85 %, CLAP
    // below 80 % fall): a stricter reading for a noisy, small evaluation.
    static std::string fallReason(const EvalStats &eval, double margin = 0.0);
    // Each guardrail alone (false when it was not measured).
    static bool vendiFell(const EvalStats &eval, double margin = 0.0);
    static bool clapFell(const EvalStats &eval, double margin = 0.0);
    // How far the worse guardrail sits above its floor (raised by `margin`), as a fraction of the
    // base: 0.05 for a Vendi at 85 % of the base's with the plain floor (80 %); negative once it
    // fell. Infinity when neither was measured.
    static double headroom(const EvalStats &eval, double margin = 0.0);
};

} // namespace dragon
