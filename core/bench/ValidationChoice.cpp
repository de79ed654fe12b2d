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
    if (!candidateHeld) {
        // Nothing held: the one that fell less. The highest win rate among fallen checkpoints
        // is often the most collapsed one (a per-song FAD run kept a Vendi at 60 % of the
        // base's over one at 79 %).
        const double candidateRoom = GuardrailCheck::headroom(candidate, guardMargin);
        const double keptRoom = GuardrailCheck::headroom(*kept, guardMargin);
        if (candidateRoom != keptRoom)
            return candidateRoom > keptRoom;
    }
    if (candidate.winRate.rate != kept->winRate.rate)
        return candidate.winRate.rate > kept->winRate.rate;
    // The same win rate (often 1.000 for distribution rewards): the larger reward improvement.
    return candidate.deltaMean > kept->deltaMean;
}

} // namespace dragon
