#include "bench/ValidationChoice.h"

#include "dragon/GuardrailCheck.h"

namespace dragon {

bool ValidationChoice::better(const EvalStats &candidate, const EvalStats *kept, double guardMargin)
{
    if (candidate.round <= 0)
        return false;
    if (!kept)
        return true;
    const bool candidateHeld = GuardrailCheck::fallReason(candidate, guardMargin).empty();
    const bool keptHeld = GuardrailCheck::fallReason(*kept, guardMargin).empty();
    if (candidateHeld != keptHeld)
        return candidateHeld;
    if (candidate.winRate.rate != kept->winRate.rate)
        return candidate.winRate.rate > kept->winRate.rate;
    // The same win rate (often 1.000 for distribution rewards): the larger reward improvement.
    return candidate.deltaMean > kept->deltaMean;
}

} // namespace dragon
