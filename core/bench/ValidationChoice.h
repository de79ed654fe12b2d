#pragma once

#include "dragon/DragonEvents.h"

namespace dragon {

// Which evaluated checkpoint of a run the reward suite keeps when the run is evaluated during
// training on validation prompts of its own (never the test prompts the table reports): the one
// with the highest validation win rate among those whose guardrails held
// (GuardrailCheck::fallReason); when none held, the one whose worse guardrail fell least
// (GuardrailCheck::headroom), the least collapsed. At the same win rate (distribution
// rewards often reach 1.000) the larger paired reward improvement; on a full tie the earlier
// one (it drifted less from the base). `guardMargin` raises the guardrail floors for the
// validation's reading (GuardrailCheck::fallReason's margin): a checkpoint just above the floor
// on the validation prompts often falls below it on the test prompts.
class ValidationChoice
{
public:
    // True when `candidate` should replace `kept` (null: nothing kept yet). Round 0 (the base
    // model itself) is never a candidate.
    static bool better(const EvalStats &candidate, const EvalStats *kept, double guardMargin = 0.0);
};

} // namespace dragon
